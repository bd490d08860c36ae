"""Fusing several modalities, any of which may be missing for a given sample.

Three levels, as in the multimodal literature (Baltrusaitis et al. 2019):

- feature level: concatenate the modality vectors (zeros where missing, plus the presence mask
  so the mapping can tell "missing" from "zero"), then map;
- model level: map each modality into a shared space, then combine with attention gates whose
  softmax runs over the modalities present for that sample only;
- decision level: one classifier per modality, whose class log-probabilities are combined with
  learned modality weights, again renormalised over the modalities available.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vidmeta.meta.batch import MultimodalBatch
from vidmeta.meta.mappings import MLP, ProjectionHeads


def _check_any_present(mask: Tensor) -> None:
    if not bool(mask.any(dim=1).all()):
        raise ValueError("every sample needs at least one modality present")


def _masked_softmax(scores: Tensor, mask: Tensor) -> Tensor:
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


class FeatureLevelFusion(nn.Module):
    """Concatenate [features with missing ones zeroed, presence mask], then an MLP."""

    def __init__(self, modalities: tuple[tuple[str, int], ...], hidden_dims: tuple[int, ...], output_dim: int) -> None:
        super().__init__()
        self.names = tuple(name for name, _ in modalities)
        width = sum(dim for _, dim in modalities) + len(modalities)
        self.mapping = MLP(width, hidden_dims, output_dim)
        self.output_dim = output_dim

    def forward(self, batch: MultimodalBatch) -> Tensor:
        _check_any_present(batch.mask)
        parts = [batch.features[n] * batch.present(n).unsqueeze(1).to(batch.features[n].dtype) for n in self.names]
        parts.append(batch.mask.to(parts[0].dtype))
        return self.mapping(torch.cat(parts, dim=1))


class ModelLevelFusion(nn.Module):
    """Project each modality, then sum the projections weighted by learned attention gates."""

    def __init__(self, modalities: tuple[tuple[str, int], ...], output_dim: int) -> None:
        super().__init__()
        self.names = tuple(name for name, _ in modalities)
        self.heads = ProjectionHeads(modalities, output_dim)
        # The gate sees the projected vector, so how much a modality counts can depend on content.
        self.gates = nn.ModuleDict({name: nn.Linear(output_dim, 1) for name in self.names})
        self.output_dim = output_dim

    def gate_weights(self, batch: MultimodalBatch) -> tuple[Tensor, Tensor]:
        """(n, M, d) projections and (n, M) attention weights, zero for missing modalities."""
        _check_any_present(batch.mask)
        projected = self.heads({n: batch.features[n] for n in self.names})
        stacked = torch.stack([projected[n] for n in self.names], dim=1)
        scores = torch.cat([self.gates[n](projected[n]) for n in self.names], dim=1)
        mask = torch.stack([batch.present(n) for n in self.names], dim=1)
        return stacked, _masked_softmax(scores, mask)

    def forward(self, batch: MultimodalBatch) -> Tensor:
        stacked, weights = self.gate_weights(batch)
        return (weights.unsqueeze(-1) * stacked).sum(dim=1)


class DecisionLevelFusion(nn.Module):
    """Per-modality embeddings for per-modality classifiers, and their learned combination.

    ``forward`` returns (n, M, d) embeddings (zeros where missing); a learner builds one
    classifier per modality on them (ProtoNet: per-modality prototypes) and calls ``combine``
    with the per-modality class logits to get fused class log-probabilities.
    """

    decision_level = True

    def __init__(self, modalities: tuple[tuple[str, int], ...], output_dim: int) -> None:
        super().__init__()
        self.names = tuple(name for name, _ in modalities)
        self.heads = ProjectionHeads(modalities, output_dim)
        self.modality_logits = nn.Parameter(torch.zeros(len(self.names)))
        self.output_dim = output_dim

    def forward(self, batch: MultimodalBatch) -> Tensor:
        _check_any_present(batch.mask)
        projected = self.heads({n: batch.features[n] for n in self.names})
        mask = self.presence(batch).unsqueeze(-1).to(projected[self.names[0]].dtype)
        return torch.stack([projected[n] for n in self.names], dim=1) * mask

    def presence(self, batch: MultimodalBatch) -> Tensor:
        return torch.stack([batch.present(n) for n in self.names], dim=1)

    def weights(self, usable: Tensor) -> Tensor:
        """(n, M) combination weights over the usable modalities of each sample (rows sum to 1)."""
        _check_any_present(usable)
        return _masked_softmax(self.modality_logits.expand(usable.shape[0], -1), usable)

    def combine(self, logits: Tensor, usable: Tensor) -> Tensor:
        """Fuse (n, M, C) per-modality logits into (n, C) log-probabilities.

        ``usable`` (n, M) marks the modalities whose classifier may vote for each sample.
        """
        weights = self.weights(usable)
        log_probs = F.log_softmax(logits, dim=-1).masked_fill(~usable.unsqueeze(-1), 0.0)
        return F.log_softmax((weights.unsqueeze(-1) * log_probs).sum(dim=1), dim=-1)
