"""What the views need from a newly opened video, computed in the background: the exact frame times,
the waveform peaks, the thumbnail strip and the shot boundaries. Results of a video that was closed
meanwhile are dropped."""

from __future__ import annotations

import logging
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtGui import QImage

from vidmeta.domain import CancelToken, MediaInfo, Progress
from vidmeta.gui.frame_clock import FrameClock
from vidmeta.gui.worker import JobHandle

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow

log = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 160
_THUMB_SPACING_S = 0.5  # at most one thumbnail per half second...
_MAX_THUMBNAILS = 240  # ...and no more than this for long videos


def frame_times_job(path: Path, *, stream_end: float, cancel: CancelToken) -> Generator[Progress, None, Any]:
    """The exact frame clock of a video (a packet scan, no decoding) on the player's clock, and the
    container start that separates that clock from the file's PTS."""
    from vidmeta.media.frame_times import frame_times

    yield Progress(0.0, "Reading frame times")
    found = frame_times(path, cancel=cancel)
    yield Progress(1.0, "Frame times ready", f"{len(found.pts)} frames")
    clock = FrameClock(found.on_player_clock.tolist(), end=stream_end - found.container_start, exact=True)
    return clock, found.container_start


def thumbnail_times(duration: float) -> list[float]:
    count = int(min(_MAX_THUMBNAILS, max(1, duration / _THUMB_SPACING_S)))
    step = duration / count
    return [step * (i + 0.5) for i in range(count)]


def to_qimage(frame: np.ndarray) -> QImage:
    """An HxWx3 uint8 RGB array as a QImage that owns its pixels."""
    frame = np.ascontiguousarray(frame)
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class MediaLoader:
    def __init__(self, window: "MainWindow"):
        self.w = window
        self._generation = 0
        self._jobs: list[JobHandle] = []

    def cancel(self) -> None:
        self._generation += 1
        for job in self._jobs:
            self.w.media_jobs.cancel(job)
        self._jobs = []

    def start(self, info: MediaInfo) -> None:
        from vidmeta.pipeline import thumbnails_job, waveform_job

        self.cancel()
        generation = self._generation
        canvas = self.w.timeline.canvas
        canvas.set_thumbnails([])
        canvas.set_waveform(None)
        canvas.set_shots([])
        canvas.set_media_rows(thumbnails=info.has_video, waveform=info.has_audio)
        path = info.path
        submit = self.w.media_jobs.submit

        def current(fn):
            # Apply a result only if the video it was computed for is still the open one.
            return lambda result: fn(result) if generation == self._generation else None

        if info.video is not None:
            stream_end = info.video.start_time + info.video.duration

            def clock_ready(result) -> None:
                clock, container_start = result
                self._set_clock(clock)
                thumbnails(container_start, clock.end)
                shots(clock.time_of(0))

            def clock_failed(_job) -> None:
                # The strip and the shots still help, on the assumption that the file starts at 0.
                thumbnails(0.0, info.duration)
                shots(0.0)

            def shots(first_frame: float) -> None:
                # Shot times count from the first frame; the timeline from the container's start.
                self._jobs.append(submit(f"Shots: {path.name}", lambda cancel: self._shots_job(path, cancel),
                                         on_success=current(lambda cuts: canvas.set_shots(
                                             [t + first_frame for t in cuts]))))

            def thumbnails(container_start: float, span: float) -> None:
                # The reader wants file PTS; the timeline counts from the container's start.
                times = [t + container_start for t in thumbnail_times(span)]
                self._jobs.append(submit(
                    f"Thumbnails: {path.name}",
                    lambda cancel: thumbnails_job(path, cancel=cancel, times=times, width=THUMBNAIL_WIDTH),
                    on_success=current(lambda thumbs: canvas.set_thumbnails(
                        [(t - container_start, to_qimage(f)) for t, f in thumbs])),
                    uses_torch=True))  # torchcodec decodes

            self._jobs.append(submit(f"Frame times: {path.name}",
                                     lambda cancel: frame_times_job(path, stream_end=stream_end, cancel=cancel),
                                     on_success=current(clock_ready), on_failure=current(clock_failed)))
        if info.audio is not None:
            self._jobs.append(submit(f"Waveform: {path.name}", lambda cancel: waveform_job(path, cancel=cancel),
                                     on_success=current(canvas.set_waveform), uses_torch=True))

    @staticmethod
    def _shots_job(path: Path, cancel: CancelToken):
        from vidmeta.media.shots import detect_shots

        return (yield from detect_shots(path, cancel=cancel))

    def _set_clock(self, clock: FrameClock) -> None:
        self.w.player.set_clock(clock)
        self.w.transport.set_time(self.w.player.position, self.w.player.duration, clock)
