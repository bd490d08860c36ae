"""Few-shot episodes: a seeded N-way K-shot Q-query sampler over any labelled dataset."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import Tensor

from vidmeta.meta.batch import Inputs, batch_size


class LabelledDataset(Protocol):
    """What the sampler and the training loop need from a dataset."""

    labels: np.ndarray  # (n,) int64 class of every sample

    def __len__(self) -> int: ...

    def load(self, indices: np.ndarray) -> Inputs: ...


@dataclass(frozen=True)
class EpisodeIndices:
    """Which dataset rows make up one episode; labels are positions in ``classes``."""

    classes: np.ndarray  # (ways,) dataset labels, episode label i means classes[i]
    support: np.ndarray  # (ways * shots,) dataset indices, grouped by class
    support_labels: np.ndarray  # (ways * shots,) in 0..ways-1
    query: np.ndarray  # (ways * queries,) dataset indices, grouped by class
    query_labels: np.ndarray  # (ways * queries,)


@dataclass(frozen=True)
class Episode:
    """One few-shot task: labelled support examples and query examples to classify."""

    support_x: Inputs
    support_y: Tensor  # (ways * shots,) int64 in 0..ways-1
    query_x: Inputs
    query_y: Tensor  # (ways * queries,) int64
    classes: tuple[int, ...]  # dataset label of each episode label

    @property
    def ways(self) -> int:
        return len(self.classes)

    @property
    def shots(self) -> int:
        return batch_size(self.support_x) // self.ways

    @property
    def queries(self) -> int:
        return batch_size(self.query_x) // self.ways

    def to(self, device: torch.device | str) -> "Episode":
        return Episode(
            self.support_x.to(device),
            self.support_y.to(device),
            self.query_x.to(device),
            self.query_y.to(device),
            self.classes,
        )

    @staticmethod
    def from_indices(dataset: LabelledDataset, indices: EpisodeIndices) -> "Episode":
        return Episode(
            support_x=dataset.load(indices.support),
            support_y=torch.from_numpy(indices.support_labels),
            query_x=dataset.load(indices.query),
            query_y=torch.from_numpy(indices.query_labels),
            classes=tuple(int(c) for c in indices.classes),
        )


class EpisodeSampler:
    """Draws class-balanced N-way K-shot episodes, reproducibly from a seed.

    Every episode has exactly ``shots`` support and the same number of queries per class, and
    no example is both support and query. Classes with fewer than ``shots + 1`` examples are
    never drawn; when a drawn class has fewer than ``shots + queries`` examples the episode uses
    fewer queries per class (the most every drawn class can give), so small datasets still work.
    """

    def __init__(
        self,
        labels: np.ndarray,
        *,
        ways: int,
        shots: int,
        queries: int,
        seed: int = 0,
        classes: np.ndarray | None = None,
    ) -> None:
        if ways < 1 or shots < 1 or queries < 0:
            raise ValueError(f"need ways >= 1, shots >= 1, queries >= 0 (got {ways}, {shots}, {queries})")
        labels = np.asarray(labels, dtype=np.int64)
        if labels.ndim != 1:
            raise ValueError("labels must be one-dimensional")
        self.ways, self.shots, self.queries = ways, shots, queries
        allowed = np.unique(labels) if classes is None else np.unique(np.asarray(classes))
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        members: dict[int, np.ndarray] = {}
        needed = shots + (1 if queries > 0 else 0)
        for c in allowed:
            rows = order[np.searchsorted(sorted_labels, c, "left") : np.searchsorted(sorted_labels, c, "right")]
            if len(rows) >= needed:
                members[int(c)] = rows
        if len(members) < ways:
            raise ValueError(
                f"only {len(members)} classes have at least {needed} examples; {ways}-way needs {ways}"
            )
        self._classes = np.array(sorted(members), dtype=np.int64)
        self._members = members
        self._rng = np.random.default_rng(seed)

    @property
    def eligible_classes(self) -> np.ndarray:
        return self._classes.copy()

    def sample(self) -> EpisodeIndices:
        chosen = self._rng.choice(self._classes, size=self.ways, replace=False)
        available = min(len(self._members[int(c)]) for c in chosen) - self.shots
        queries = min(self.queries, available)
        support, query = [], []
        for c in chosen:
            rows = self._rng.permutation(self._members[int(c)])[: self.shots + queries]
            support.append(rows[: self.shots])
            query.append(rows[self.shots :])
        episode_labels = np.arange(self.ways, dtype=np.int64)
        return EpisodeIndices(
            classes=chosen.astype(np.int64),
            support=np.concatenate(support),
            support_labels=np.repeat(episode_labels, self.shots),
            query=np.concatenate(query) if queries else np.zeros(0, np.int64),
            query_labels=np.repeat(episode_labels, queries),
        )

    def __iter__(self) -> Iterator[EpisodeIndices]:
        while True:
            yield self.sample()


def sample_episodes(
    dataset: LabelledDataset, *, ways: int, shots: int, queries: int, episodes: int, seed: int
) -> Iterator[Episode]:
    """``episodes`` episodes of ``dataset`` drawn from a fresh seeded sampler."""
    sampler = EpisodeSampler(dataset.labels, ways=ways, shots=shots, queries=queries, seed=seed)
    for _ in range(episodes):
        yield Episode.from_indices(dataset, sampler.sample())
