"""Jobs: plain generators that yield Progress, take a CancelToken and return a result.

The GUI's worker thread and the CLI drive the same generators; nothing here knows about Qt.
"""

from vidmeta.pipeline.jobs import Job, run_job, thumbnails_job, waveform_job

__all__ = ["Job", "run_job", "thumbnails_job", "waveform_job"]
