"""Feature jobs: extraction (visual, audio, lips, speech embeddings) and the speaker timeline.

Thin wrappers: vidmeta.features.extract_features is itself a Progress generator; these give it the
job signature (path, keyword-only cancel) the GUI worker and the CLI drive.
"""

from __future__ import annotations

from pathlib import Path

from vidmeta.domain import CancelToken
from vidmeta.features import FeatureOptions, SpeakerTimeline, VideoFeatures, extract_features
from vidmeta.pipeline.jobs import Job


def features_job(
    path: str | Path,
    *,
    cancel: CancelToken,
    options: FeatureOptions | None = None,
    whisper_model=None,
    use_cache: bool = True,
) -> Job[VideoFeatures]:
    """All features of `path` on one clock; parts found in the feature cache are reused."""
    return (yield from extract_features(path, options=options, cancel=cancel, whisper_model=whisper_model,
                                        use_cache=use_cache))


def speakers_job(
    path: str | Path, *, cancel: CancelToken, options: FeatureOptions | None = None
) -> Job[tuple[VideoFeatures, SpeakerTimeline]]:
    """Speech regions and the on-screen speaker per window, with the features they came from
    (the face tracks a view draws boxes for)."""
    features = yield from extract_features(path, options=options, cancel=cancel)
    return features, features.speakers
