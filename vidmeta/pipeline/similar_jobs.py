"""Find similar (windows like a segment, here and in the library) and transcript search, as jobs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import CancelToken, LabellingError, ProjectDocument, ProjectError, Progress
from vidmeta.features import FeatureCache, extract_features
from vidmeta.labelling import window_coverage, window_descriptors
from vidmeta.labelling.label_sets import LabelSetLibrary
from vidmeta.labelling.similar import Hit, query_rows, search_transcripts, similar_in_other, similar_in_video
from vidmeta.pipeline.jobs import Job, scaled


@dataclass(frozen=True)
class SimilarResult:
    here: tuple[Hit, ...]  # in the video of the query, nearest first
    elsewhere: tuple[Hit, ...]  # in other library videos, nearest first
    searched: int  # library videos compared


def _query_windows(grid, start: float, end: float) -> np.ndarray:
    from vidmeta.domain import Segment

    best, share = window_coverage(grid, [Segment(start, end)])
    windows = np.nonzero((best >= 0) & (share >= 0.5))[0]
    if len(windows) == 0:
        windows = np.array([int(np.argmin(np.abs(grid.centres - (start + end) / 2)))])
    return windows


def find_similar_job(
    path: str | Path, start: float, end: float, *, cancel: CancelToken, limit: int = 10,
    library: LabelSetLibrary | None = None, include_library: bool = True,
) -> Job[SimilarResult]:
    path = Path(path)
    features = yield from scaled(extract_features(path, cancel=cancel), 0.0, 0.4)
    library = library or LabelSetLibrary()
    library.register_video(path, features.fingerprint)
    descriptors = window_descriptors(features.windows)
    windows = _query_windows(descriptors.grid, start, end)
    here = similar_in_video(descriptors, windows, video=path, limit=limit, exclude=(start, end))
    elsewhere: list[Hit] = []
    others = [(p, fp) for p, fp in library.videos() if fp != features.fingerprint] if include_library else []
    cache = FeatureCache()
    others = [(p, fp) for p, fp in others if cache.entries(fp)]  # analysed before: no long extraction here
    rows = query_rows(descriptors, windows)
    for i, (other, _) in enumerate(others):
        cancel.raise_if_cancelled()
        at, step = 0.4 + 0.6 * i / len(others), 0.6 / len(others)
        yield Progress(at, "Searching the library", other.name)
        target = yield from scaled(extract_features(other, cancel=cancel), at, at + step)
        try:
            described = window_descriptors(target.windows, also=[rows])
            elsewhere += similar_in_other(described, rows, video=other, limit=limit)
        except LabellingError:
            continue  # a video analysed with other settings, or with nothing comparable
    elsewhere.sort(key=lambda h: h.distance)
    yield Progress(1.0, "Similar found", f"{len(here)} here, {len(elsewhere[:limit])} elsewhere")
    return SimilarResult(tuple(here), tuple(elsewhere[:limit]), len(others))


def search_transcripts_job(
    query: str, document: ProjectDocument, video: Path | None, *, cancel: CancelToken,
    library: LabelSetLibrary | None = None,
) -> Job[list[Hit]]:
    """The open video's cues, then those of every library video's project file."""
    from vidmeta.store import load_project
    from vidmeta.store.project_file import default_project_path

    transcripts = [(video or Path(""), document.cues)]
    for other, _ in (library or LabelSetLibrary()).videos():
        cancel.raise_if_cancelled()
        if video is not None and other.resolve() == video.resolve():
            continue
        project = default_project_path(other)
        if project.is_file():
            try:
                transcripts.append((other, load_project(project).cues))
            except ProjectError:
                continue  # a damaged project is skipped, never changed
    yield Progress(0.5, "Searching the transcripts", f"{len(transcripts)} video(s)")
    hits = search_transcripts(query, transcripts)
    yield Progress(1.0, "Search done", f"{len(hits)} line(s)")
    return hits
