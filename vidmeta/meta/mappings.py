"""Mappings from inputs to an embedding: linear, MLP, the classic 4-block conv net, fusion.

Every mapping is rebuilt from a ``MappingSpec`` (a frozen dataclass stored in checkpoints).
Batch normalisation layers are ``TaskBatchNorm``: ordinary batch norm, plus a mode used by the
gradient-based learners in which statistics come from the first ``reference_size`` samples of
the batch (the support set) and running statistics are neither used nor updated. That keeps the
inner loop free of in-place buffer updates (which ``torch.func`` transforms reject) and makes a
prediction for one query independent of the other queries.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import torch
from torch import Tensor, nn

MAPPING_KINDS = ("linear", "mlp", "conv4", "feature_fusion", "model_fusion", "decision_fusion")


@dataclass(frozen=True)
class MappingSpec:
    kind: str  # one of MAPPING_KINDS
    input_shape: tuple[int, ...] = ()  # per-sample input shape, e.g. (1, 28, 28) or (512,); () for fusion
    output_dim: int = 64  # embedding size (conv4: ignored, it is channels * final spatial size)
    hidden_dims: tuple[int, ...] = ()  # mlp and feature fusion: hidden layer widths
    channels: int = 64  # conv4: filters per block
    blocks: int = 4  # conv4: number of conv-BN-ReLU-pool blocks
    dropout: float = 0.0  # mlp: dropout after each hidden layer
    modalities: tuple[tuple[str, int], ...] = field(default=())  # fusion: (name, feature dim) pairs

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict) -> "MappingSpec":
        data = dict(data)
        data["input_shape"] = tuple(data.get("input_shape", ()))
        data["hidden_dims"] = tuple(data.get("hidden_dims", ()))
        data["modalities"] = tuple((str(n), int(d)) for n, d in data.get("modalities", ()))
        return MappingSpec(**data)


class _ReferenceStatistics:
    """Mixin for batch norm: optionally normalise with statistics of the first samples only."""

    reference_size: int | None = None

    def forward(self, x: Tensor) -> Tensor:
        if self.reference_size is None:
            return super().forward(x)  # type: ignore[misc]
        x = x.float()  # statistics in float32 even under bfloat16 autocast
        reference = x[: self.reference_size]
        dims = [0] + list(range(2, x.dim()))
        # E[x^2] - E[x]^2 and one fused multiply-add: several times faster on CPU than var() and
        # (x - mean) / std, which dominated the inner loop of the gradient learners.
        mean = reference.mean(dim=dims)
        var = (reference * reference).mean(dim=dims) - mean * mean
        scale = torch.rsqrt(var.clamp_min(0.0) + self.eps)  # type: ignore[attr-defined]
        if self.affine:  # type: ignore[attr-defined]
            scale = scale * self.weight  # type: ignore[attr-defined]
            shift = self.bias - mean * scale  # type: ignore[attr-defined]
        else:
            shift = -mean * scale
        shape = [1, -1] + [1] * (x.dim() - 2)
        return torch.addcmul(shift.view(shape), x, scale.view(shape))


class TaskBatchNorm1d(_ReferenceStatistics, nn.BatchNorm1d):
    pass


class TaskBatchNorm2d(_ReferenceStatistics, nn.BatchNorm2d):
    pass


@contextlib.contextmanager
def reference_statistics(module: nn.Module, size: int | None) -> Iterator[None]:
    """Within the block, every TaskBatchNorm in ``module`` normalises with the first ``size`` samples."""
    norms = [m for m in module.modules() if isinstance(m, _ReferenceStatistics)]
    previous = [m.reference_size for m in norms]
    for m in norms:
        m.reference_size = size
    try:
        yield
    finally:
        for m, p in zip(norms, previous):
            m.reference_size = p


class LinearMapping(nn.Module):
    """f(x) = Wx + b on flattened inputs."""

    def __init__(self, input_dim: int, output_dim: int) -> None:
        super().__init__()
        self.linear = nn.Linear(input_dim, output_dim)
        self.output_dim = output_dim

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x.flatten(1))


class MLP(nn.Module):
    """Linear layers with ReLU (and optional dropout) between them; no activation at the end."""

    def __init__(self, input_dim: int, hidden_dims: tuple[int, ...], output_dim: int, dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = input_dim
        for hidden in hidden_dims:
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = hidden
        layers.append(nn.Linear(width, output_dim))
        self.layers = nn.Sequential(*layers)
        self.output_dim = output_dim

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x.flatten(1))


def conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
        TaskBatchNorm2d(out_channels),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class Conv4(nn.Module):
    """The classic few-shot image embedding (Vinyals et al. 2016): conv3x3-BN-ReLU-maxpool blocks."""

    def __init__(self, input_shape: tuple[int, int, int], channels: int = 64, blocks: int = 4) -> None:
        super().__init__()
        in_channels, height, width = input_shape
        widths = [in_channels] + [channels] * blocks
        self.blocks = nn.Sequential(*[conv_block(a, b) for a, b in zip(widths[:-1], widths[1:])])
        for _ in range(blocks):
            height, width = height // 2, width // 2
        if height < 1 or width < 1:
            raise ValueError(f"input {input_shape} is too small for {blocks} pooling blocks")
        self.output_dim = channels * height * width
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        # Channels-last runs the oneDNN convolutions about 1.5x faster on CPU (and suits GPUs).
        self.to(memory_format=torch.channels_last)

    def forward(self, x: Tensor) -> Tensor:
        try:
            x = x.contiguous(memory_format=torch.channels_last)
        except RuntimeError:
            pass  # under torch.func.vmap a memory format cannot be asked for; the tasks run as grouped convs
        return self.blocks(x).flatten(1)


class ProjectionHeads(nn.Module):
    """One linear projection per modality into a shared ``output_dim`` space."""

    def __init__(self, modalities: tuple[tuple[str, int], ...], output_dim: int) -> None:
        super().__init__()
        self.names = tuple(name for name, _ in modalities)
        self.heads = nn.ModuleDict({name: nn.Linear(dim, output_dim) for name, dim in modalities})
        self.output_dim = output_dim

    def forward(self, features: dict[str, Tensor]) -> dict[str, Tensor]:
        return {name: self.heads[name](features[name]) for name in self.names}


def build_mapping(spec: MappingSpec) -> nn.Module:
    """Construct the (untrained) mapping a spec describes; the result has ``output_dim``."""
    from vidmeta.meta import fusion  # fusion builds on this module's layers

    flat = math.prod(spec.input_shape) if spec.input_shape else 0
    if spec.kind == "linear":
        return LinearMapping(flat, spec.output_dim)
    if spec.kind == "mlp":
        return MLP(flat, spec.hidden_dims, spec.output_dim, spec.dropout)
    if spec.kind == "conv4":
        if len(spec.input_shape) != 3:
            raise ValueError(f"conv4 needs a (channels, height, width) input shape, got {spec.input_shape}")
        return Conv4(spec.input_shape, spec.channels, spec.blocks)  # type: ignore[arg-type]
    if spec.kind in ("feature_fusion", "model_fusion", "decision_fusion"):
        if not spec.modalities:
            raise ValueError(f"{spec.kind} needs modalities")
        if spec.kind == "feature_fusion":
            return fusion.FeatureLevelFusion(spec.modalities, spec.hidden_dims, spec.output_dim)
        if spec.kind == "model_fusion":
            return fusion.ModelLevelFusion(spec.modalities, spec.output_dim)
        return fusion.DecisionLevelFusion(spec.modalities, spec.output_dim)
    raise ValueError(f"unknown mapping kind {spec.kind!r}; expected one of {MAPPING_KINDS}")

