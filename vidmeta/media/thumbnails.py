"""Small frames for the timeline strip and for galleries."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vidmeta.media.frames import FrameReader


def _resize(frame: np.ndarray, width: int) -> np.ndarray:
    import cv2

    h, w = frame.shape[:2]
    height = max(1, int(round(h * width / w)))
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)


def thumbnail(reader: FrameReader, t: float, *, width: int = 160) -> tuple[float, np.ndarray]:
    pts, frame = reader.frame_at(t)
    return pts, _resize(frame, width)


def thumbnails(reader: FrameReader, times: Sequence[float], *, width: int = 160) -> list[tuple[float, np.ndarray]]:
    """One decode pass for all times (sorted access is what decoders do fast)."""
    return [(pts, _resize(frame, width)) for pts, frame in reader.frames_at(times)]
