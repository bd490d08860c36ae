"""Summarize a video: shots (cached with the features), features, chapters, the text digest and
one representative frame per chapter. Works with whatever the video and its project offer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from vidmeta.domain import CancelToken, LabellingError, Progress, ProjectDocument, TierKind
from vidmeta.features import FeatureCache, extract_features
from vidmeta.labelling import window_descriptors
from vidmeta.media.shots import ShotOptions, detect_shots
from vidmeta.pipeline.jobs import Job, scaled
from vidmeta.store.fingerprint import fingerprint_file
from vidmeta.summary import ChapterOptions, SummaryOptions, propose_chapters, representative_times, summarize_text
from vidmeta.summary.reel import choose_pieces, reel_candidates
from vidmeta.summary.report import VideoSummary
from vidmeta.summary.text import sentences_from_cues


def shots_job(path: str | Path, *, cancel: CancelToken, options: ShotOptions = ShotOptions(),
              cache: FeatureCache | None = None) -> Job[list[float]]:
    """Shot changes, from the feature cache when this file was analysed with these options before."""
    store = cache or FeatureCache()
    fingerprint = fingerprint_file(path)
    params = dataclasses.asdict(options)
    found = store.load(fingerprint=fingerprint, part="shots", params=params)
    if found is not None:
        yield Progress(1.0, "Shot changes from the cache")
        return [float(t) for t in found[0]["times"]]
    shots = yield from detect_shots(path, options=options, cancel=cancel)
    store.save(fingerprint=fingerprint, part="shots", params=params, arrays={"times": np.asarray(shots, np.float64)})
    return shots


def summarize_job(
    path: str | Path,
    document: ProjectDocument,
    *,
    cancel: CancelToken,
    chapter_options: ChapterOptions = ChapterOptions(),
    summary_options: SummaryOptions = SummaryOptions(),
    shot_options: ShotOptions = ShotOptions(),
    reel_share: float = 0.2,
    min_chapter: float | None = None,
) -> Job[VideoSummary]:
    """``reel_share``: the highlight reel's length as a share of the duration (0: no reel);
    ``min_chapter`` (seconds) overrides ``chapter_options.min_length``."""
    if min_chapter is not None:
        chapter_options = dataclasses.replace(chapter_options, min_length=min_chapter)
    from vidmeta.media.frames import open_frames

    shots = yield from scaled(shots_job(path, cancel=cancel, options=shot_options), 0.0, 0.3)
    features = yield from scaled(extract_features(path, cancel=cancel), 0.3, 0.9)
    cancel.raise_if_cancelled()
    yield Progress(0.92, "Chapters and summary")
    segments = [s for t in document.tiers if t.kind == TierKind.ANNOTATION for s in t.segments]
    duration = features.media.duration
    chapters = propose_chapters(duration, shots=shots, cues=document.cues, segments=segments, options=chapter_options)
    digest = summarize_text(document.cues, segments, summary_options)
    try:
        descriptors = window_descriptors(features.windows)
    except LabellingError:  # neither picture nor sound features: the chapters' middles
        descriptors = None
    times = representative_times(chapters, descriptors)
    frames: list[np.ndarray] = []
    if features.media.has_video:
        yield Progress(0.95, "Storyboard frames")
        with open_frames(path) as reader:
            frames = [frame for _, frame in reader.frames_at(times)]
    reel = choose_pieces(reel_candidates(sentences_from_cues(list(document.cues)), chapters, times, duration),
                         reel_share * duration) if reel_share > 0 else []
    yield Progress(1.0, "Summary ready", f"{len(chapters)} chapters")
    return VideoSummary(duration, tuple(shots), tuple(chapters), digest, tuple(times), tuple(frames), tuple(reel),
                        has_video=features.media.has_video, has_audio=features.media.has_audio)
