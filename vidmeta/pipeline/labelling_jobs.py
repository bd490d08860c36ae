"""Suggest labels: features of the video (from the cache when present) -> the user's examples ->
per-window scores -> suggestion segments. The document itself is only read here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vidmeta.domain import CancelToken, Progress, ProjectDocument, Tier
from vidmeta.features import FeatureOptions, extract_features
from vidmeta.labelling import (
    Examples,
    SuggestOptions,
    WindowDescriptors,
    WindowScores,
    examples_from_document,
    least_certain_window,
    score_windows,
    suggest_segments,
    suggestions_tier,
    window_descriptors,
)
from vidmeta.pipeline.jobs import Job, scaled


@dataclass(frozen=True)
class LabelSuggestions:
    tier: Tier  # the suggestions tier (kind SUGGESTION), segments with confidences
    descriptors: WindowDescriptors
    examples: Examples
    scores: WindowScores
    ask_next: float | None  # centre time of the window the model is least sure about
    duration: float | None = None  # of the media, where suggestions end

    @property
    def labels(self) -> tuple[str, ...]:
        return self.scores.labels


def suggestions_from(document: ProjectDocument, descriptors: WindowDescriptors, *, tier_id: str | None = None,
                     options: SuggestOptions = SuggestOptions(), duration: float | None = None) -> LabelSuggestions:
    """Everything after the features: cheap (a 1-hour video is about 7,000 windows)."""
    examples = examples_from_document(document, descriptors.grid, tier_id=tier_id)
    scores = score_windows(descriptors, examples, options)
    segments = suggest_segments(descriptors, scores, examples, options, duration=duration)
    ask = least_certain_window(scores, examples)
    return LabelSuggestions(
        tier=suggestions_tier(segments),
        descriptors=descriptors,
        examples=examples,
        scores=scores,
        ask_next=None if ask is None else float(descriptors.grid.centres[ask]),
        duration=duration,
    )


def suggest_labels_job(
    path: str | Path,
    document: ProjectDocument,
    *,
    cancel: CancelToken,
    tier_id: str | None = None,
    options: SuggestOptions = SuggestOptions(),
    feature_options: FeatureOptions | None = None,
) -> Job[LabelSuggestions]:
    features = yield from scaled(extract_features(path, options=feature_options, cancel=cancel), 0.0, 0.9)
    cancel.raise_if_cancelled()
    yield Progress(0.92, "Scoring windows")
    result = suggestions_from(document, window_descriptors(features.windows), tier_id=tier_id, options=options,
                              duration=features.media.duration)
    yield Progress(1.0, "Suggestions ready", f"{len(result.tier.segments)} segments")
    return result


def refresh_suggestions_job(
    document: ProjectDocument,
    descriptors: WindowDescriptors,
    *,
    cancel: CancelToken,
    duration: float | None = None,
    tier_id: str | None = None,
    options: SuggestOptions = SuggestOptions(),
) -> Job[LabelSuggestions]:
    """Suggestions again after the user answered (accepted or rejected), from the same descriptors."""
    yield Progress(0.0, "Scoring windows")
    cancel.raise_if_cancelled()
    result = suggestions_from(document, descriptors, tier_id=tier_id, options=options, duration=duration)
    yield Progress(1.0, "Suggestions ready", f"{len(result.tier.segments)} segments")
    return result
