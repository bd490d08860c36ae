"""Face boxes over the video, with the active speaker marked, from the features' speaker analysis.

The analysis (vidmeta.pipeline.features_jobs.speakers_job) runs on the inference worker; its face
tracks and speaker timeline are view data, not part of the document, so showing them is no edit.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np

from vidmeta.domain import CancelToken, Progress
from vidmeta.gui.video_view import FaceBox


def speakers_job(path: Path, *, cancel: CancelToken) -> Generator[Progress, None, Any]:
    from vidmeta.pipeline.features_jobs import speakers_job as job

    return (yield from job(path, cancel=cancel))


class SpeakerOverlay:
    """Boxes at a time: every face track present then, the one the timeline says speaks marked."""

    def __init__(self, faces, speakers, *, width: int, height: int):
        self._faces = tuple(faces)
        self._speakers = speakers
        self._w = float(max(1, width))
        self._h = float(max(1, height))
        self._centres = np.asarray(speakers.grid.centres, dtype=np.float64) if speakers is not None else None

    @property
    def track_count(self) -> int:
        return len(self._faces)

    def active_track(self, t: float) -> int | None:
        """The face track speaking at t (the analysis window centred nearest to t), or None."""
        if self._centres is None or len(self._centres) == 0:
            return None
        i = int(np.argmin(np.abs(self._centres - t)))
        if not self._speakers.grid.starts[i] <= t <= self._speakers.grid.ends[i]:
            return None
        track = int(self._speakers.active_track[i])
        return None if track < 0 else track

    def boxes_at(self, t: float) -> list[FaceBox]:
        active = self.active_track(t)
        boxes = []
        for track in self._faces:
            box = track.box_at(t)
            if box is None:
                continue
            x, y, w, h = (float(v) for v in box)
            boxes.append(FaceBox(x / self._w, y / self._h, w / self._w, h / self._h,
                                 speaker=f"Face {track.id + 1}", active=track.id == active))
        return boxes
