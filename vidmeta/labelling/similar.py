"""Find similar: the windows most like a selected segment, in this video and across the library,
by the same distance Suggest uses; and a text search over the transcripts.

Within the video the windows are compared in its descriptor space (or a learned mapping's). Another
video's windows are compared with the query brought into that video's space, both standardised over
the two videos together (as label sets are), so what the videos share is not mistaken for likeness.
A window overlapping a better hit is not listed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import Cue
from vidmeta.labelling.descriptors import WindowDescriptors


@dataclass(frozen=True)
class Hit:
    video: Path
    start: float
    end: float
    distance: float  # squared distance to the query (lower is more alike)
    text: str = ""  # transcript hits: the matching line


def _merge(descriptors: WindowDescriptors, distances: np.ndarray, order: np.ndarray, video: Path,
           limit: int) -> list[Hit]:
    """The best windows as hits, nearest first; a window overlapping a better hit is left out (the
    same moment is not listed twice; hits are never stretched over what lies between them)."""
    hits: list[Hit] = []
    grid = descriptors.grid
    for w in order:
        start, end = float(grid.starts[w]), float(grid.ends[w])
        if any(start < h.end and end > h.start for h in hits):
            continue
        hits.append(Hit(video, start, end, float(distances[w])))
        if len(hits) == limit:
            break
    return hits


def similar_in_video(descriptors: WindowDescriptors, query_windows: np.ndarray, *, video: Path, limit: int = 10,
                     exclude: tuple[float, float] | None = None) -> list[Hit]:
    """Hits in the same video, nearest first; windows overlapping ``exclude`` (the query) are skipped."""
    query = descriptors.vectors[query_windows].astype(np.float64).mean(0)
    distances = ((descriptors.vectors.astype(np.float64) - query) ** 2).sum(1)
    usable = descriptors.present.any(1)
    if exclude is not None:
        usable &= (descriptors.grid.ends <= exclude[0]) | (descriptors.grid.starts >= exclude[1])
    order = np.argsort(np.where(usable, distances, np.inf), kind="stable")
    order = order[usable[order]]
    return _merge(descriptors, distances, order, video, limit)


def similar_in_other(target: WindowDescriptors, query_raw: tuple[dict, dict], *, video: Path, limit: int = 10) -> list[Hit]:
    """Hits in another video: ``target`` must be standardised over both videos (``also=[query rows]``)."""
    query = target.transform(*query_raw).astype(np.float64).mean(0)
    distances = ((target.vectors.astype(np.float64) - query) ** 2).sum(1)
    usable = target.present.any(1)
    order = np.argsort(np.where(usable, distances, np.inf), kind="stable")
    order = order[usable[order]]
    return _merge(target, distances, order, video, limit)


def query_rows(descriptors: WindowDescriptors, windows: np.ndarray) -> tuple[dict, dict]:
    """The raw rows of the query windows, to carry into another video's space."""
    return ({n: descriptors.raw[n][windows] for n, _ in descriptors.modalities},
            {n: descriptors.present[windows, i] for i, (n, _) in enumerate(descriptors.modalities)})


def search_transcripts(query: str, transcripts: list[tuple[Path, list[Cue] | tuple[Cue, ...]]], *,
                       limit: int = 50) -> list[Hit]:
    """Cues containing every word of ``query`` (case- and accent-insensitive), in library order."""
    words = [w for w in re.findall(r"\w+", query.casefold()) if w]
    if not words:
        return []
    hits = []
    for video, cues in transcripts:
        for cue in cues:
            if cue.suspect:
                continue
            text = cue.text.casefold()
            if all(re.search(rf"\b{re.escape(w)}", text) for w in words):
                hits.append(Hit(video, cue.start, cue.end, 0.0, " ".join(cue.text.split())))
                if len(hits) >= limit:
                    return hits
    return hits
