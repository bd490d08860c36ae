"""Suggest labels: features of the video (from the cache when present) -> the user's examples ->
per-window scores -> suggestion segments. The document itself is only read here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vidmeta.domain import CancelToken, LabellingError, Progress, ProjectDocument, Tier
from vidmeta.features import FeatureOptions, extract_features
from vidmeta.labelling import (
    Examples,
    SuggestOptions,
    Support,
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

if TYPE_CHECKING:
    from vidmeta.labelling.label_sets import LabelSet, LabelSetLibrary


@dataclass(frozen=True)
class LabelSuggestions:
    tier: Tier  # the suggestions tier (kind SUGGESTION), segments with confidences
    descriptors: WindowDescriptors
    examples: Examples
    scores: WindowScores
    ask_next: float | None  # centre time of the window the model is least sure about
    duration: float | None = None  # of the media, where suggestions end
    extra: Support | None = None  # examples from a label set that took part

    @property
    def labels(self) -> tuple[str, ...]:
        return self.scores.labels


def suggestions_from(document: ProjectDocument, descriptors: WindowDescriptors, *, tier_id: str | None = None,
                     options: SuggestOptions = SuggestOptions(), duration: float | None = None,
                     extra: Support | None = None) -> LabelSuggestions:
    """Everything after the features: cheap (a 1-hour video is about 7,000 windows).

    ``extra``: more examples (a label set, already in this video's descriptor space).
    """
    examples = examples_from_document(document, descriptors.grid, tier_id=tier_id)
    support = Support.from_examples(descriptors, examples)
    if extra is not None:
        support = support.plus(extra)
    scores = score_windows(descriptors, support, options)
    segments = suggest_segments(descriptors, scores, examples, options, duration=duration)
    ask = least_certain_window(scores, examples)
    return LabelSuggestions(
        tier=suggestions_tier(segments),
        descriptors=descriptors,
        examples=examples,
        scores=scores,
        ask_next=None if ask is None else float(descriptors.grid.centres[ask]),
        duration=duration,
        extra=extra,
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
    extra: Support | None = None,
) -> Job[LabelSuggestions]:
    """Suggestions again after the user answered (accepted or rejected), from the same descriptors
    (and the same label set examples, ``extra``, when the suggestions came from a set)."""
    yield Progress(0.0, "Scoring windows")
    cancel.raise_if_cancelled()
    result = suggestions_from(document, descriptors, tier_id=tier_id, options=options, duration=duration, extra=extra)
    yield Progress(1.0, "Suggestions ready", f"{len(result.tier.segments)} segments")
    return result


def apply_label_set_job(
    path: str | Path,
    label_set: "LabelSet",
    *,
    cancel: CancelToken,
    document: ProjectDocument | None = None,
    options: SuggestOptions = SuggestOptions(),
    feature_options: FeatureOptions | None = None,
) -> Job[LabelSuggestions]:
    """Suggestions for a video from a label set's examples (plus the video's own labelled segments)."""
    features = yield from scaled(extract_features(path, options=feature_options, cancel=cancel), 0.0, 0.9)
    cancel.raise_if_cancelled()
    yield Progress(0.92, "Scoring windows", f"label set {label_set.name}")
    # Standardised over this video and the set's examples together (see window_descriptors).
    descriptors = window_descriptors(features.windows, also=[label_set.raw_rows()])
    result = suggestions_from(document or ProjectDocument(), descriptors, options=options,
                              duration=features.media.duration, extra=label_set.support_for(descriptors))
    yield Progress(1.0, "Suggestions ready", f"{len(result.tier.segments)} segments")
    return result


def save_label_set_job(
    path: str | Path,
    document: ProjectDocument,
    name: str,
    *,
    cancel: CancelToken,
    library: "LabelSetLibrary | None" = None,
    feature_options: FeatureOptions | None = None,
) -> Job["LabelSet"]:
    """Store the labelled segments of a video as (part of) the named label set in the library."""
    from vidmeta.labelling.label_sets import LabelSetLibrary, examples_for_set, label_colors

    features = yield from scaled(extract_features(path, options=feature_options, cancel=cancel), 0.0, 0.9)
    cancel.raise_if_cancelled()
    yield Progress(0.95, "Saving the label set", name)
    descriptors = window_descriptors(features.windows)
    examples = examples_from_document(document, descriptors.grid)
    if len(examples.windows) == 0:
        raise LabellingError(Path(path), "no labelled segment to save: label a few segments first")
    library = library or LabelSetLibrary()
    label_set = library.save(
        name, examples_for_set(descriptors, examples, video=path, fingerprint=features.fingerprint),
        modalities=descriptors.modalities, colors=label_colors(document, examples.label_names),
        replace_fingerprint=features.fingerprint,
    )
    yield Progress(1.0, "Label set saved", f"{name}: {len(label_set.examples)} examples")
    return label_set
