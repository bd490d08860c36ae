"""What ``learner.adapt`` returns: a classifier for the support classes with an "unknown" answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import Tensor

from vidmeta.meta.batch import Inputs, batch_size, take

UNKNOWN = -1  # default label ``predict`` gives to queries beyond the open-set threshold

PairDistance = Callable[[Tensor, Tensor], Tensor]  # (q, d), (n, d) -> (q, n) dissimilarity


def one_hot(labels: Tensor, ways: int) -> Tensor:
    """Float one-hot written as a comparison, so it works under torch.func.vmap."""
    return (labels.unsqueeze(-1) == torch.arange(ways, device=labels.device)).to(torch.float32)


def class_means(z: Tensor, labels: Tensor, ways: int) -> Tensor:
    """(ways, d) mean embedding of each class."""
    onehot = one_hot(labels, ways).to(z.dtype)
    return (onehot.transpose(0, 1) @ z) / onehot.sum(0).clamp_min(1.0).unsqueeze(1)


def calibrate_threshold(
    z: Tensor, labels: Tensor, ways: int, distance: PairDistance, *, quantile: float = 1.0
) -> float:
    """Largest dissimilarity to the nearest class that still counts as known, from the support alone.

    With two or more shots in some class: the ``quantile`` of leave-one-out dissimilarities of
    support examples to their own class mean (how far a new example of a known class may fall).
    With one shot per class: the smallest dissimilarity between two class means (a query farther
    from every class than the two closest classes are from each other is unknown). With a single
    one-shot class there is nothing to calibrate on, and nothing is ever unknown.
    """
    z = z.detach().float()
    onehot = one_hot(labels, ways)
    counts = onehot.sum(0)
    sums = onehot.transpose(0, 1) @ z
    multi = counts[labels] >= 2
    if bool(multi.any()):
        zi, yi = z[multi], labels[multi]
        loo = (sums[yi] - zi) / (counts[yi] - 1).unsqueeze(1)
        # (m, 1, d) against (m, 1, d): every distance broadcasts this to m separate pairs.
        within = distance(zi.unsqueeze(1), loo.unsqueeze(1)).reshape(-1)
        return float(torch.quantile(within.detach(), quantile))
    if ways >= 2:
        means = sums / counts.clamp_min(1.0).unsqueeze(1)
        between = distance(means, means) + torch.diag(torch.full((ways,), float("inf"), device=z.device))
        return float(between.detach().min())
    return float("inf")


class FewShotClassifier:
    """Classifies queries into the support classes; can also answer "none of them".

    Built by ``learner.adapt(support_x, support_y)``. Columns of ``predict_proba`` follow
    ``classes`` (the sorted distinct support labels). A query is unknown when its dissimilarity
    to the nearest class exceeds ``threshold``, calibrated on the support set.
    """

    def __init__(
        self,
        *,
        classes: np.ndarray,
        embed: Callable[[Inputs], Tensor],
        logits: Callable[[Tensor], Tensor],
        class_distance: Callable[[Tensor], Tensor],
        threshold: float | Callable[[], float],
        prepare: Callable[[Any], Inputs],
        chunk_size: int = 512,
    ) -> None:
        self.classes = classes  # (C,) support labels, the column order of predict_proba
        self._threshold = threshold  # a number, or a function computing it on first use
        self._embed = embed  # inputs -> features
        self._logits = logits  # features -> (n, C) logits
        self._class_distance = class_distance  # features -> (n, C) dissimilarity
        self._prepare = prepare  # user data -> inputs on the right device
        self._chunk = chunk_size

    @property
    def threshold(self) -> float:
        """Open-set cut on the dissimilarity to the nearest class (calibrated on first use)."""
        if callable(self._threshold):
            self._threshold = float(self._threshold())
        return self._threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self._threshold = float(value)

    @property
    def ways(self) -> int:
        return len(self.classes)

    @torch.no_grad()
    def _scores(self, x: Any) -> tuple[Tensor, Tensor]:
        inputs = self._prepare(x)
        logits, distances = [], []
        for start in range(0, batch_size(inputs), self._chunk):
            z = self._embed(take(inputs, slice(start, start + self._chunk)))
            logits.append(self._logits(z).float().cpu())
            distances.append(self._class_distance(z).float().cpu())
        return torch.cat(logits), torch.cat(distances)

    def logits_from_features(self, z: Tensor) -> Tensor:
        """Logits for already embedded queries (evaluation reuses cached embeddings)."""
        return self._logits(z)

    def predict_proba(self, x: Any) -> np.ndarray:
        """(n, C) class probabilities of queries ``x`` (images in [0, 1] or feature vectors)."""
        logits, _ = self._scores(x)
        return torch.softmax(logits, dim=1).numpy()

    def nearest_distance(self, x: Any) -> np.ndarray:
        """(n,) dissimilarity of each query to its nearest support class."""
        _, distances = self._scores(x)
        return distances.min(dim=1).values.numpy()

    def is_unknown(self, x: Any) -> np.ndarray:
        """(n,) True where a query is farther than ``threshold`` from every support class."""
        return self.nearest_distance(x) > self.threshold

    def predict(self, x: Any, *, open_set: bool = True, unknown_label: Any = UNKNOWN) -> np.ndarray:
        """Most probable class of each query, or ``unknown_label`` for open-set rejects."""
        logits, distances = self._scores(x)
        labels = self.classes[logits.argmax(dim=1).numpy()]
        if not open_set:
            return labels
        unknown = (distances.min(dim=1).values > self.threshold).numpy()
        if not unknown.any():
            return labels
        out = labels.astype(object) if not np.issubdtype(labels.dtype, np.integer) else labels.copy()
        out[unknown] = unknown_label
        return out


def encode_labels(support_y: Any) -> tuple[np.ndarray, Tensor]:
    """Distinct sorted classes and the (n,) int64 position of every support label among them."""
    values = np.asarray(support_y.cpu() if isinstance(support_y, Tensor) else support_y)
    classes, positions = np.unique(values, return_inverse=True)
    return classes, torch.from_numpy(positions.reshape(-1).astype(np.int64))
