"""Accuracy of a learner on seeded evaluation episodes, with a 95% confidence interval."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from vidmeta.meta.episodes import Episode, EpisodeSampler, LabelledDataset
from vidmeta.meta.learners.base import evaluating


@dataclass(frozen=True)
class EvalResult:
    accuracy: float  # mean query accuracy over episodes, 0..1
    ci95: float  # half-width of the 95% interval of the mean (1.96 standard errors)
    episodes: int
    ways: int
    shots: int
    queries: int  # per class
    seconds: float  # wall time of the evaluation

    def __str__(self) -> str:
        return f"{100 * self.accuracy:.2f} +- {100 * self.ci95:.2f}% ({self.ways}-way {self.shots}-shot, {self.episodes} episodes)"


def mean_and_ci95(values: np.ndarray) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 2:
        return float(values.mean()) if len(values) else float("nan"), float("nan")
    return float(values.mean()), float(1.96 * values.std(ddof=1) / math.sqrt(len(values)))


@torch.no_grad()
def embed_dataset(learner: Any, dataset: LabelledDataset, *, batch: int = 1024) -> Any:
    """Embeddings of every sample under the learner's fixed mapping (eval mode).

    A tensor, or for decision-level fusion a tuple of tensors (e.g. embeddings and presence).
    """
    device = learner.device
    rows = np.arange(len(dataset))
    parts = []
    with evaluating(learner):
        for start in range(0, len(rows), batch):
            parts.append(learner.embed(dataset.load(rows[start : start + batch]).to(device)))
    if isinstance(parts[0], tuple):
        return type(parts[0])(*(torch.cat(fields) for fields in zip(*parts)))
    return torch.cat(parts)


def _rows(features: Any, index: np.ndarray) -> Any:
    if isinstance(features, tuple):
        return type(features)(*(_rows(f, index) for f in features))
    return features[torch.from_numpy(index).to(features.device)]


def iter_episode_accuracy(
    learner: Any,
    dataset: LabelledDataset,
    *,
    ways: int,
    shots: int,
    queries: int,
    episodes: int,
    seed: int,
    features: Any = None,
) -> Iterator[float]:
    """Query accuracy of each episode in turn (the same episodes for every learner and seed)."""
    sampler = EpisodeSampler(dataset.labels, ways=ways, shots=shots, queries=queries, seed=seed)
    cached = bool(getattr(learner, "caches_features", False))
    if cached and features is None:
        features = embed_dataset(learner, dataset)
    classes = np.arange(ways)
    for _ in range(episodes):
        indices = sampler.sample()
        query_y = torch.from_numpy(indices.query_labels)
        if cached:
            assert features is not None
            support, query = _rows(features, indices.support), _rows(features, indices.query)
            support_y = torch.from_numpy(indices.support_labels)
            with evaluating(learner), torch.no_grad():
                classifier = learner.classifier_from_features(support, support_y, classes)
                logits = classifier.logits_from_features(query).cpu()
        else:
            episode = Episode.from_indices(dataset, indices)
            classifier = learner.adapt(episode.support_x, episode.support_y)
            logits = torch.from_numpy(classifier.predict_proba(episode.query_x))
        yield float((logits.argmax(1) == query_y).float().mean())


def evaluate(
    learner: Any,
    dataset: LabelledDataset,
    *,
    ways: int,
    shots: int,
    queries: int = 15,
    episodes: int = 1000,
    seed: int = 0,
    features: Any = None,
) -> EvalResult:
    """Mean accuracy over ``episodes`` seeded episodes of ``dataset``.

    Learners with ``caches_features`` are evaluated on embeddings computed once (pass
    ``features`` to reuse them across settings); the others adapt on every episode through the
    public ``adapt``/``predict_proba`` path.
    """
    start = time.perf_counter()
    accuracies = np.fromiter(
        iter_episode_accuracy(
            learner, dataset, ways=ways, shots=shots, queries=queries, episodes=episodes, seed=seed, features=features
        ),
        dtype=np.float64,
        count=episodes,
    )
    mean, ci = mean_and_ci95(accuracies)
    return EvalResult(mean, ci, episodes, ways, shots, queries, time.perf_counter() - start)
