"""Random geometric augmentation of image batches for meta-training (never at evaluation)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from vidmeta.meta.batch import Inputs


@dataclass(frozen=True)
class ImageAugmentation:
    shift: float = 0.0  # largest translation, in pixels, along each axis
    rotation: float = 0.0  # largest rotation, in degrees (small: 90-degree turns are new classes)
    scale: float = 0.0  # largest relative change of size, e.g. 0.1 for 90%..110%

    @property
    def active(self) -> bool:
        return self.shift > 0 or self.rotation > 0 or self.scale > 0


def augment_images(x: Inputs, augmentation: ImageAugmentation, generator: torch.Generator) -> Inputs:
    """Every (n, c, h, w) image gets its own random affine transform; other inputs pass through."""
    if not augmentation.active or not isinstance(x, Tensor) or x.dim() != 4:
        return x
    n, _, h, w = x.shape

    def uniform(limit: float) -> Tensor:
        return (torch.rand(n, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(augmentation.rotation))
    scale = 1.0 + uniform(augmentation.scale)
    # affine_grid works in [-1, 1] coordinates: a shift of s pixels is 2 s / size.
    tx, ty = uniform(2 * augmentation.shift / w), uniform(2 * augmentation.shift / h)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid.to(x.device), mode="bilinear", padding_mode="zeros", align_corners=False)
