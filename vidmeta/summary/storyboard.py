"""The visual summary: one representative frame per chapter, and a storyboard PNG of them.

A chapter's representative window is the one nearest to the mean fused descriptor of the
chapter's windows (its most central moment, not its first frame, which is often a transition).
Without window features the chapter's middle is used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vidmeta.domain import Chapter
from vidmeta.labelling.descriptors import WindowDescriptors
from vidmeta.domain.time import clock

TILE_WIDTH = 320
CAPTION_HEIGHT = 44


def representative_times(chapters: list[Chapter], descriptors: WindowDescriptors | None) -> list[float]:
    times = []
    for c in chapters:
        t = (c.start + c.end) / 2
        if descriptors is not None:
            centres = descriptors.grid.centres
            inside = np.nonzero((centres >= c.start) & (centres < c.end) & descriptors.present.any(1))[0]
            if len(inside):
                vectors = descriptors.vectors[inside].astype(np.float64)
                nearest = np.argmin(((vectors - vectors.mean(0)) ** 2).sum(1))
                t = float(centres[inside[nearest]])
        times.append(t)
    return times


def _caption(tile: np.ndarray, lines: list[str]) -> np.ndarray:
    import cv2

    band = np.full((CAPTION_HEIGHT, tile.shape[1], 3), 24, np.uint8)
    for i, text in enumerate(lines):
        # OpenCV's Hershey font has no accents: keep what it can draw.
        ascii_text = text.encode("ascii", "replace").decode("ascii")
        while ascii_text and cv2.getTextSize(ascii_text, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)[0][0] > tile.shape[1] - 12:
            ascii_text = ascii_text[:-2] + "."
        cv2.putText(band, ascii_text, (6, 18 + 20 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (235, 235, 235), 1, cv2.LINE_AA)
    return np.concatenate([tile, band], axis=0)


def storyboard(frames: list[np.ndarray], chapters: list[Chapter], out: str | Path, *, columns: int = 4) -> Path:
    """A grid PNG: each chapter's frame (RGB, HxWx3 uint8) with its number, start time and title."""
    import cv2

    from vidmeta.media.thumbnails import _resize

    if not frames:
        raise ValueError("a storyboard needs at least one frame")
    tiles = []
    height = max(_resize(f, TILE_WIDTH).shape[0] for f in frames)
    for i, (frame, chapter) in enumerate(zip(frames, chapters), start=1):
        tile = _resize(frame, TILE_WIDTH)
        pad = np.zeros((height - tile.shape[0], TILE_WIDTH, 3), np.uint8)
        tiles.append(_caption(np.concatenate([tile, pad]), [f"{i}. {clock(chapter.start)}", chapter.title]))
    columns = max(1, min(columns, len(tiles)))
    blank = np.zeros_like(tiles[0])
    rows = [np.concatenate(tiles[r : r + columns] + [blank] * (columns - len(tiles[r : r + columns])), axis=1)
            for r in range(0, len(tiles), columns)]
    image = np.concatenate(rows, axis=0)
    out = Path(out)
    if not cv2.imwrite(str(out), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise OSError(f"cannot write {out}")
    return out
