"""The user's examples for few-shot labelling, read from the document's tiers.

A window is an example of a label when a labelled segment covers at least half of it. Segments
of the rejected tier (suggestions the user said no to) make negative examples of their label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidmeta.domain import ProjectDocument, Segment, Tier, TierKind
from vidmeta.features import WindowGrid

MIN_COVERAGE = 0.5  # share of a window a segment must cover for the window to be an example
REJECTED_TIER = "Rejected suggestions"  # the name the app gives the TierKind.REJECTED tier


@dataclass(frozen=True)
class Examples:
    windows: np.ndarray  # int [E] window indices of the positive examples
    labels: tuple[str, ...]  # [E] the label of each
    groups: np.ndarray  # int [E] which labelled segment each came from (windows of one segment are alike)
    negative_windows: np.ndarray  # int [N] windows the user rejected a label for
    negative_labels: tuple[str, ...]  # [N] the rejected label of each
    covered: np.ndarray  # bool [W] windows inside any labelled user segment (not suggested again)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.labels)))

    def count(self, label: str) -> int:
        return sum(1 for name in self.labels if name == label)


def window_coverage(grid: WindowGrid, segments: tuple[Segment, ...] | list[Segment]) -> tuple[np.ndarray, np.ndarray]:
    """For each window, the segment covering most of it (-1 for none) and the share it covers."""
    best = np.full(len(grid), -1, dtype=np.int64)
    share = np.zeros(len(grid))
    length = np.maximum(grid.ends - grid.starts, 1e-9)
    for i, segment in enumerate(segments):
        overlap = np.clip(np.minimum(grid.ends, segment.end) - np.maximum(grid.starts, segment.start), 0.0, None)
        frac = overlap / length
        better = frac > share
        best[better], share[better] = i, frac[better]
    return best, share


def _labelled(tier: Tier) -> list[Segment]:
    return [s for s in tier.segments if s.label]


def examples_from_document(document: ProjectDocument, grid: WindowGrid, *, tier_id: str | None = None) -> Examples:
    """Positive examples from one annotation tier (by id; default: every annotation tier) and
    negatives from the rejected-suggestions tiers."""
    tiers = [t for t in document.tiers if t.kind == TierKind.ANNOTATION and (tier_id is None or t.id == tier_id)]
    positives = [s for t in tiers for s in _labelled(t)]
    best, share = window_coverage(grid, positives)
    chosen = np.nonzero((best >= 0) & (share >= MIN_COVERAGE))[0]
    rejected = [s for t in document.tiers if t.kind == TierKind.REJECTED for s in _labelled(t)]
    neg_best, neg_share = window_coverage(grid, rejected)
    negatives = np.nonzero((neg_best >= 0) & (neg_share >= MIN_COVERAGE))[0]
    return Examples(
        windows=chosen,
        labels=tuple(positives[best[w]].label for w in chosen),
        groups=best[chosen],
        negative_windows=negatives,
        negative_labels=tuple(rejected[neg_best[w]].label for w in negatives),
        covered=(best >= 0) & (share > 0.0),
    )
