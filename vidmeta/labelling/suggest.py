"""Suggest labels for every window from the user's few examples, and turn them into segments.

A prototype per label (the mean descriptor of its example windows) and one more "class" for
unknown whose distance is the open-set threshold, calibrated on the examples alone: a window is
given a label only when it is nearer to that prototype than the threshold and than any other.
Class probabilities are a softmax over negative distances (unknown included), so a confidence is
low both between two labels and at the edge of the known. A window the user rejected a label
for vetoes that label for the windows nearer to it than to the label's prototype. Per-window
decisions are smoothed by a confidence-weighted majority over neighbouring windows, then runs of
one label become segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidmeta.domain import LabellingError, Segment, SegmentSource, Tier, TierKind
from vidmeta.labelling.descriptors import WindowDescriptors
from vidmeta.labelling.examples import Examples

SUGGESTIONS_TIER = "Suggestions"


@dataclass(frozen=True)
class SuggestOptions:
    smoothing_windows: int = 5  # odd width of the majority filter (5 windows = 2.5 s at a 0.5 s hop)
    min_windows: int = 2  # runs shorter than this are not suggested
    min_confidence: float = 0.5  # nor runs whose mean confidence is lower (smoothing can carry a label
    #                              over windows that on their own were unknown)
    unknown_quantile: float = 1.0  # of leave-one-out example distances that still count as known
    threshold_scale: float = 1.0  # >1 labels more windows (wider "known" region), <1 fewer


@dataclass(frozen=True)
class Support:
    """Labelled descriptors to learn from: windows of this video, or examples from a label set."""

    vectors: np.ndarray  # float [E, D]
    labels: tuple[str, ...]  # [E]
    groups: np.ndarray  # int [E]: examples from one segment share a group
    negative_vectors: np.ndarray  # float [N, D]: windows a label was rejected for
    negative_labels: tuple[str, ...]  # [N]

    @staticmethod
    def from_examples(descriptors: WindowDescriptors, examples: Examples) -> "Support":
        return Support(
            vectors=descriptors.vectors[examples.windows],
            labels=examples.labels,
            groups=np.asarray(examples.groups, dtype=np.int64),
            negative_vectors=descriptors.vectors[examples.negative_windows],
            negative_labels=examples.negative_labels,
        )

    def plus(self, other: "Support") -> "Support":
        offset = int(self.groups.max()) + 1 if len(self.groups) else 0
        return Support(
            vectors=np.concatenate([self.vectors, other.vectors]),
            labels=self.labels + other.labels,
            groups=np.concatenate([self.groups, other.groups + offset]),
            negative_vectors=np.concatenate([self.negative_vectors, other.negative_vectors]),
            negative_labels=self.negative_labels + other.negative_labels,
        )


@dataclass(frozen=True)
class WindowScores:
    labels: tuple[str, ...]  # the label names, the columns of ``probabilities`` (unknown is the last)
    probabilities: np.ndarray  # float [W, C+1]
    distances: np.ndarray  # float [W, C] squared distance to each prototype
    threshold: float  # open-set cut on the distance to the nearest prototype

    @property
    def unknown(self) -> int:
        return len(self.labels)

    def decisions(self) -> np.ndarray:
        """Per-window label index (``unknown`` for none), before smoothing."""
        return self.probabilities.argmax(1)

    def confidence(self) -> np.ndarray:
        return self.probabilities.max(1)


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def _leave_one_out(vectors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Distance of each example to the mean of the others of its class, leaving out its whole group
    (its segment) when the class has several: neighbouring windows of one segment are near copies,
    and a new segment of the label is as far as another segment is, not as another window."""
    distinct = np.unique(groups)
    out = np.empty(len(vectors))
    for i, g in enumerate(groups):
        others = groups != g if len(distinct) > 1 else np.arange(len(vectors)) != i
        out[i] = ((vectors[i] - vectors[others].mean(0)) ** 2).sum()
    return out


def _typical_distance(vectors: np.ndarray, pairs: int = 2000) -> float:
    """Median squared distance between two windows of this video picked at random (seeded)."""
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(vectors), size=(2, pairs))
    keep = a != b
    if not keep.any():
        return 0.0
    return float(np.median(((vectors[a[keep]] - vectors[b[keep]]) ** 2).sum(1)))


def _threshold(vectors: np.ndarray, labels: np.ndarray, groups: np.ndarray, classes: int, quantile: float,
               typical: float) -> float:
    """Open-set cut on the distance to the nearest prototype, from the examples and the video.

    The largest of: how far an example falls from the rest of its class (leave-one-out, the given
    quantile); half the distance between the two closest prototypes (a window nearer to a label
    than half-way to the next one is that label's); half the typical distance between two windows
    of the video (one segment of one label says little about how far its next segment may be).
    """
    within = [_leave_one_out(vectors[labels == c], groups[labels == c]) for c in range(classes)
              if (labels == c).sum() >= 2]
    threshold = max(float(np.quantile(np.concatenate(within), quantile)) if within else 0.0, typical / 2)
    if classes >= 2:
        means = np.stack([vectors[labels == c].mean(0) for c in range(classes)])
        between = _squared_distances(means, means) + np.diag(np.full(classes, np.inf))
        threshold = max(threshold, float(between.min()) / 2)
    return threshold if threshold > 1e-3 else 2.0


def score_windows(descriptors: WindowDescriptors, support: Support, options: SuggestOptions = SuggestOptions()) -> WindowScores:
    if len(support.labels) == 0:
        raise LabellingError(None, "label a few segments first (select a segment and press 1-9): "
                                   "no labelled segment covers half an analysis window")
    names = tuple(sorted(set(support.labels)))
    index = {name: i for i, name in enumerate(names)}
    y = np.array([index[name] for name in support.labels])
    examples = support.vectors.astype(np.float64)
    prototypes = np.stack([examples[y == c].mean(0) for c in range(len(names))])
    vectors = descriptors.vectors.astype(np.float64)
    distances = _squared_distances(vectors, prototypes)
    typical = _typical_distance(vectors)
    threshold = _threshold(examples, y, support.groups, len(names), options.unknown_quantile, typical)
    threshold *= options.threshold_scale
    temperature = threshold / 4  # a window at the threshold is e^4 ~ 55x less likely than one on a prototype
    vetoed = distances.copy()
    for c, name in enumerate(names):
        rows = [i for i, label in enumerate(support.negative_labels) if label == name]
        if rows:
            nearest_negative = _squared_distances(vectors, support.negative_vectors[rows].astype(np.float64)).min(1)
            vetoed[nearest_negative < distances[:, c], c] = np.inf
    logits = -np.concatenate([vetoed, np.full((len(vectors), 1), threshold)], axis=1) / temperature
    logits -= logits.max(1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(1, keepdims=True)
    return WindowScores(labels=names, probabilities=probabilities, distances=distances, threshold=threshold)


def _smoothed(decisions: np.ndarray, confidence: np.ndarray, classes: int, width: int) -> np.ndarray:
    """Confidence-weighted majority of the decisions in a centred window of ``width`` windows."""
    if width <= 1:
        return decisions
    votes = np.zeros((len(decisions), classes))
    votes[np.arange(len(decisions)), decisions] = confidence
    kernel = np.ones(width)
    summed = np.stack([np.convolve(votes[:, c], kernel, mode="same") for c in range(classes)], axis=1)
    return summed.argmax(1)


def suggest_segments(
    descriptors: WindowDescriptors, scores: WindowScores, examples: Examples, options: SuggestOptions = SuggestOptions(),
    *, duration: float | None = None,
) -> list[Segment]:
    """Runs of one label over windows the user has not labelled, as model segments."""
    grid = descriptors.grid
    decisions = _smoothed(scores.decisions(), scores.confidence(), scores.unknown + 1, options.smoothing_windows)
    decisions = np.where(examples.covered, scores.unknown, decisions)
    confidence = scores.probabilities[np.arange(len(decisions)), decisions]
    centres = grid.centres
    half_hop = (float(np.median(np.diff(centres))) if len(centres) > 1 else float(grid.ends[0] - grid.starts[0])) / 2
    end_of_media = float(grid.ends[-1]) if duration is None else duration
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(decisions) + 1):
        if i < len(decisions) and decisions[i] == decisions[start]:
            continue
        label = decisions[start]
        mean_confidence = float(np.clip(confidence[start:i].mean(), 0.0, 1.0))
        if label != scores.unknown and i - start >= options.min_windows and mean_confidence >= options.min_confidence:
            # The first and last windows reach the ends of the media; others own hop/2 either side.
            begin = 0.0 if start == 0 else max(0.0, float(centres[start]) - half_hop)
            end = end_of_media if i == len(decisions) else min(end_of_media, float(centres[i - 1]) + half_hop)
            if end > begin:
                segments.append(Segment(begin, end, scores.labels[label],
                                        confidence=mean_confidence,
                                        source=SegmentSource.MODEL))
        start = i
    return segments


def suggestions_tier(segments: list[Segment], name: str = SUGGESTIONS_TIER) -> Tier:
    return Tier(name, TierKind.SUGGESTION, tuple(segments))


def least_certain_window(scores: WindowScores, examples: Examples, *, exclude: np.ndarray | None = None) -> int | None:
    """The unlabelled window whose two most probable answers are closest ("Ask me next")."""
    top2 = np.sort(scores.probabilities, axis=1)[:, -2:]
    margin = top2[:, 1] - top2[:, 0]
    candidates = ~examples.covered
    candidates[examples.negative_windows] = False
    if exclude is not None:
        candidates &= ~exclude
    if not candidates.any():
        return None
    margin = np.where(candidates, margin, np.inf)
    return int(np.argmin(margin))
