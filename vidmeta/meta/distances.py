"""Dissimilarities between query embeddings and class representatives.

Every distance maps (q, d) queries and (n, d) references to a (q, n) dissimilarity (smaller is
closer) and to (q, n) classification logits (larger is closer). Fixed: squared Euclidean,
Manhattan; with a learned temperature: cosine; learned: diagonal Mahalanobis and the relation
module of Sung et al. (2018), here an MLP on the concatenated pair so it works for any modality.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

DISTANCE_KINDS = ("squared_euclidean", "manhattan", "cosine", "mahalanobis", "relation")


class Distance(nn.Module):
    """Base class: subclasses define ``forward`` (dissimilarities); ``logits`` are class scores."""

    def logits(self, queries: Tensor, references: Tensor) -> Tensor:
        return -self(queries, references)


class SquaredEuclidean(Distance):
    def forward(self, queries: Tensor, references: Tensor) -> Tensor:
        # Written out rather than cdist(...)**2 so that gradients and vmap stay exact and cheap.
        diff = queries.unsqueeze(-2) - references.unsqueeze(-3)
        return diff.pow(2).sum(-1)


class Manhattan(Distance):
    def forward(self, queries: Tensor, references: Tensor) -> Tensor:
        return (queries.unsqueeze(-2) - references.unsqueeze(-3)).abs().sum(-1)


class Cosine(Distance):
    """1 - cos(q, r); logits are temperature * cos, the temperature learned (in log space)."""

    def __init__(self, temperature: float = 10.0, learn_temperature: bool = True) -> None:
        super().__init__()
        log_t = torch.tensor(math.log(temperature))
        if learn_temperature:
            self.log_temperature = nn.Parameter(log_t)
        else:
            self.register_buffer("log_temperature", log_t)

    @property
    def temperature(self) -> Tensor:
        return self.log_temperature.exp()

    def similarity(self, queries: Tensor, references: Tensor) -> Tensor:
        return F.normalize(queries, dim=-1) @ F.normalize(references, dim=-1).transpose(-1, -2)

    def forward(self, queries: Tensor, references: Tensor) -> Tensor:
        return 1.0 - self.similarity(queries, references)

    def logits(self, queries: Tensor, references: Tensor) -> Tensor:
        return self.temperature * self.similarity(queries, references)


class DiagonalMahalanobis(Distance):
    """sum_i w_i (q_i - r_i)^2 with learned positive weights w = softplus(v) (w = 1 at start)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.raw_scale = nn.Parameter(torch.full((dim,), math.log(math.e - 1.0)))

    @property
    def scale(self) -> Tensor:
        return F.softplus(self.raw_scale)

    def forward(self, queries: Tensor, references: Tensor) -> Tensor:
        diff = queries.unsqueeze(-2) - references.unsqueeze(-3)
        return (diff.pow(2) * self.scale).sum(-1)


class RelationModule(Distance):
    """Learned relation score g(q, r) (Sung et al. 2018); dissimilarity is minus the score.

    The paper's module is a small conv net on concatenated feature maps; this one is an MLP on
    [q, r, |q - r|, q * r], so it works on vectors of any modality and need not rediscover
    subtraction. ``logits`` is the raw score; sigmoid(score) is the paper's relation score.
    """

    def __init__(self, dim: int, hidden_dim: int = 64) -> None:
        super().__init__()
        # Layer norm first: embeddings from a trained mapping can be large (squared distances in
        # the thousands), which otherwise saturates the MLP and collapses it to "never related".
        self.score = nn.Sequential(
            nn.LayerNorm(4 * dim),
            nn.Linear(4 * dim, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, 8),
            nn.ReLU(),
            nn.Linear(8, 1),
        )

    @staticmethod
    def pair_features(q: Tensor, r: Tensor) -> Tensor:
        return torch.cat([q, r, (q - r).abs(), q * r], dim=-1)

    def logits(self, queries: Tensor, references: Tensor) -> Tensor:
        q = queries.unsqueeze(-2).expand(*queries.shape[:-1], references.shape[-2], queries.shape[-1])
        r = references.unsqueeze(-3).expand_as(q)
        return self.score(self.pair_features(q, r)).squeeze(-1)

    def forward(self, queries: Tensor, references: Tensor) -> Tensor:
        return -self.logits(queries, references)


def build_distance(kind: str, *, dim: int, temperature: float = 10.0, relation_hidden: int = 64) -> Distance:
    """A distance by name; ``dim`` is the embedding size (used by the learned ones)."""
    if kind == "squared_euclidean":
        return SquaredEuclidean()
    if kind == "manhattan":
        return Manhattan()
    if kind == "cosine":
        return Cosine(temperature)
    if kind == "mahalanobis":
        return DiagonalMahalanobis(dim)
    if kind == "relation":
        return RelationModule(dim, relation_hidden)
    raise ValueError(f"unknown distance {kind!r}; expected one of {DISTANCE_KINDS}")
