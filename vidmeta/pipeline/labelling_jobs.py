"""Suggest labels: features of the video (from the cache when present) -> the user's examples ->
per-window scores -> suggestion segments. The document itself is only read here."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
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
    from vidmeta.labelling.library_training import LibraryTrainingOptions, MappingStore


@dataclass(frozen=True)
class LabelSuggestions:
    tier: Tier  # the suggestions tier (kind SUGGESTION), segments with confidences
    descriptors: WindowDescriptors
    examples: Examples
    scores: WindowScores
    ask_next: float | None  # centre time of the window the model is least sure about
    duration: float | None = None  # of the media, where suggestions end
    extra: Support | None = None  # examples from a label set that took part
    colors: dict[str, str] = field(default_factory=dict)  # label -> colour, when a label set gave them

    @property
    def labels(self) -> tuple[str, ...]:
        return self.scores.labels


def _register(path: str | Path, fingerprint: str) -> None:
    """Remember the video in the library (Find Similar searches it); a library that cannot be
    written must not stop the labelling."""
    import logging
    import sqlite3

    from vidmeta.labelling.label_sets import LabelSetLibrary

    try:
        LabelSetLibrary().register_video(path, fingerprint)
    except (LabellingError, OSError, sqlite3.Error) as exc:
        logging.getLogger(__name__).warning("cannot record %s in the library: %s", path, exc)


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
    use_mapping: bool = True,
    mapping_store: "MappingStore | None" = None,
) -> Job[LabelSuggestions]:
    """Suggestions for the video from its labelled segments; with a mapping meta-trained on the
    library (the current one of the mapping store), windows are compared in its embedding space."""
    from vidmeta.labelling.library_training import MappingStore

    features = yield from scaled(extract_features(path, options=feature_options, cancel=cancel), 0.0, 0.9)
    cancel.raise_if_cancelled()
    yield Progress(0.92, "Scoring windows")
    _register(path, features.fingerprint)
    descriptors = window_descriptors(features.windows)
    mapping = (mapping_store or MappingStore()).current() if use_mapping else None
    if mapping is not None:
        from vidmeta.labelling.library_training import embed_descriptors
        from vidmeta.meta import load_learner

        descriptors = embed_descriptors(load_learner(mapping), descriptors)
    result = suggestions_from(document, descriptors, tier_id=tier_id, options=options,
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


def apply_named_label_set_job(
    path: str | Path, name: str, *, cancel: CancelToken, document: ProjectDocument | None = None,
) -> Job[LabelSuggestions]:
    """apply_label_set_job for the library's set called ``name``; the result's ``colors`` are the set's."""
    from vidmeta.labelling.label_sets import LabelSetLibrary

    label_set = LabelSetLibrary().get(name)
    result = yield from apply_label_set_job(path, label_set, cancel=cancel, document=document)
    return dataclasses.replace(result, colors=dict(label_set.colors))


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


VIDEO_SUFFIXES = {".mp4", ".mkv", ".mov", ".avi", ".webm", ".mpg", ".mpeg", ".m4v", ".wmv", ".flv", ".ts"}


def _all_label_sets() -> list:
    from vidmeta.labelling.label_sets import LabelSetLibrary

    library = LabelSetLibrary()
    return [library.get(name) for name in library.names()]


def library_videos(paths: list[str | Path]) -> list[Path]:
    """The video files named, and those inside the folders named (recursively), sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix.lower() in VIDEO_SUFFIXES and f.is_file())
        elif p.is_file():
            found.append(p)
        else:
            raise LabellingError(p, "no such file or folder")
    if not found:
        raise LabellingError(None, "no video files in " + ", ".join(map(str, paths)))
    return found


def meta_train_library_job(
    paths: list[str | Path],
    *,
    cancel: CancelToken,
    options: "LibraryTrainingOptions | None" = None,
    store: "MappingStore | None" = None,
    label_sets: "list[LabelSet] | None" = None,
) -> Job[Path]:
    """Meta-train the window mapping on the videos (features and shots from the cache when there)
    and on the labelled examples of the label sets (default: every set of the library with two
    labels or more), store it as the current mapping; returns its checkpoint path."""
    from vidmeta.labelling.library_training import (
        LibraryTrainingOptions,
        MappingStore,
        label_set_classes,
        pseudo_classes,
        train_library_mapping,
    )
    from vidmeta.pipeline.summary_jobs import shots_job

    options = options or LibraryTrainingOptions()
    videos = library_videos(paths)
    items = []
    share = 0.6 / len(videos)
    for i, video in enumerate(videos):
        at = i * share
        yield Progress(at, "Reading the library", f"{video.name} ({i + 1} of {len(videos)})")
        features = yield from scaled(extract_features(video, cancel=cancel), at, at + share * 0.8)
        shots = yield from scaled(shots_job(video, cancel=cancel), at + share * 0.8, at + share)
        try:
            descriptors = window_descriptors(features.windows)
        except LabellingError:
            continue  # nothing to learn from in this file
        items.append((descriptors, pseudo_classes(descriptors, shots, options)))
    supervised, set_names = [], []
    for label_set in label_sets if label_sets is not None else _all_label_sets():
        if len(set(label_set.labels)) >= 2:
            supervised.append(label_set_classes(label_set))
            set_names.append(label_set.name)
    learner = yield from scaled(train_library_mapping(items, options=options, cancel=cancel, supervised=supervised),
                                0.6, 0.98)
    store = store or MappingStore()
    path = store.add(learner, info={"videos": [str(v) for v in videos], "label_sets": set_names, "steps": options.steps})
    yield Progress(1.0, "Mapping trained", path.name)
    return path
