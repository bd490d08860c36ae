"""Inputs the engine accepts: a plain tensor, or several modalities with a presence mask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np
import torch
from torch import Tensor


@dataclass(frozen=True)
class MultimodalBatch:
    """A batch of samples described by several modalities, any of which may be missing.

    A missing modality still has a row in its tensor (any values, conventionally zeros) so that
    all tensors share the batch dimension; ``mask[i, m]`` says whether modality ``m`` is present
    for sample ``i``. The order of ``modalities`` is the column order of ``mask``.
    """

    modalities: tuple[str, ...]  # names, e.g. ("visual", "audio", "lips")
    features: dict[str, Tensor]  # name -> (n, dim) tensor
    mask: Tensor  # (n, len(modalities)) bool; True where the modality is present

    def __post_init__(self) -> None:
        if set(self.features) != set(self.modalities):
            raise ValueError(f"features {sorted(self.features)} != modalities {self.modalities}")
        n = self.mask.shape[0]
        if self.mask.shape != (n, len(self.modalities)):
            raise ValueError(f"mask shape {tuple(self.mask.shape)} does not fit {len(self.modalities)} modalities")
        for name, tensor in self.features.items():
            if tensor.shape[0] != n:
                raise ValueError(f"modality {name!r} has {tensor.shape[0]} rows, mask has {n}")

    def __len__(self) -> int:
        return int(self.mask.shape[0])

    def __getitem__(self, index: Tensor | np.ndarray | slice) -> "MultimodalBatch":
        index = _as_index(index)
        return MultimodalBatch(
            self.modalities, {k: v[index] for k, v in self.features.items()}, self.mask[index]
        )

    def present(self, name: str) -> Tensor:
        """(n,) bool: which samples carry modality ``name``."""
        return self.mask[:, self.modalities.index(name)]

    def to(self, device: torch.device | str) -> "MultimodalBatch":
        return MultimodalBatch(
            self.modalities, {k: v.to(device) for k, v in self.features.items()}, self.mask.to(device)
        )

    @staticmethod
    def from_arrays(
        features: dict[str, np.ndarray | Tensor], mask: np.ndarray | Tensor | None = None
    ) -> "MultimodalBatch":
        """Build from arrays; rows of a modality that are all-NaN count as missing when mask is None."""
        names = tuple(features)
        tensors = {k: torch.as_tensor(np.asarray(v), dtype=torch.float32) for k, v in features.items()}
        if mask is None:
            mask_t = torch.stack([~torch.isnan(tensors[k]).all(dim=1) for k in names], dim=1)
        else:
            mask_t = torch.as_tensor(np.asarray(mask), dtype=torch.bool)
        # NaN placeholders would poison sums even when masked out.
        tensors = {k: torch.nan_to_num(v, nan=0.0) for k, v in tensors.items()}
        return MultimodalBatch(names, tensors, mask_t)


Inputs = Union[Tensor, MultimodalBatch]


def _as_index(index: Tensor | np.ndarray | slice) -> Tensor | slice:
    if isinstance(index, np.ndarray):
        return torch.from_numpy(index.astype(np.int64, copy=False))
    return index


def take(inputs: Inputs, index: Tensor | np.ndarray | slice) -> Inputs:
    """Rows ``index`` of a tensor or a multimodal batch."""
    if isinstance(inputs, MultimodalBatch):
        return inputs[index]
    return inputs[_as_index(index)]


def concat(first: Inputs, second: Inputs) -> Inputs:
    """Stack two batches of the same kind along the sample dimension."""
    if isinstance(first, MultimodalBatch):
        if not isinstance(second, MultimodalBatch) or first.modalities != second.modalities:
            raise ValueError("cannot concatenate batches with different modalities")
        return MultimodalBatch(
            first.modalities,
            {k: torch.cat([first.features[k], second.features[k]]) for k in first.modalities},
            torch.cat([first.mask, second.mask]),
        )
    return torch.cat([first, second])


def to_device(inputs: Inputs, device: torch.device | str) -> Inputs:
    return inputs.to(device)


def batch_size(inputs: Inputs) -> int:
    return len(inputs) if isinstance(inputs, MultimodalBatch) else int(inputs.shape[0])


def as_input_tensor(x: object, input_shape: tuple[int, ...]) -> Tensor:
    """Turn user data (numpy or torch, with or without a channel axis) into a float batch.

    ``input_shape`` is the per-sample shape the mapping expects, e.g. (1, 28, 28) or (64,).
    A batch of greyscale images given as (n, 28, 28) gains its channel axis here.
    """
    tensor = torch.as_tensor(np.asarray(x) if not isinstance(x, Tensor) else x)
    if not tensor.is_floating_point():
        raise TypeError(f"expected float inputs (images in [0, 1]), got {tensor.dtype}")
    tensor = tensor.to(torch.float32)
    if tuple(tensor.shape[1:]) == tuple(input_shape):
        return tensor
    if len(input_shape) == 3 and input_shape[0] == 1 and tuple(tensor.shape[1:]) == tuple(input_shape[1:]):
        return tensor.unsqueeze(1)
    if tuple(tensor.shape) == tuple(input_shape):
        return tensor.unsqueeze(0)
    raise ValueError(f"inputs of shape {tuple(tensor.shape)} do not fit per-sample shape {input_shape}")
