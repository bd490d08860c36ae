"""Random augmentation for meta-training (never at evaluation): affine jitter of images; noise and
dropped modalities for multimodal feature batches."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from vidmeta.meta.batch import Inputs, MultimodalBatch


@dataclass(frozen=True)
class ImageAugmentation:
    shift: float = 0.0  # largest translation, in pixels, along each axis
    rotation: float = 0.0  # largest rotation, in degrees (small: 90-degree turns are new classes)
    scale: float = 0.0  # largest relative change of size, e.g. 0.1 for 90%..110%
    feature_noise: float = 0.0  # multimodal features: std of Gaussian noise added to present features
    modality_dropout: float = 0.0  # multimodal: chance a present modality is hidden (one always stays)

    @property
    def active(self) -> bool:
        return self.shift > 0 or self.rotation > 0 or self.scale > 0

    @property
    def active_for_features(self) -> bool:
        return self.feature_noise > 0 or self.modality_dropout > 0


def augment_features(x: MultimodalBatch, augmentation: ImageAugmentation, generator: torch.Generator) -> MultimodalBatch:
    """Noise on the present features and randomly hidden modalities, each sample keeping at least one."""
    mask = x.mask.clone()
    if augmentation.modality_dropout > 0:
        drop = (torch.rand(mask.shape, generator=generator) < augmentation.modality_dropout).to(mask.device) & mask
        keeps_one = (mask & ~drop).any(1, keepdim=True)
        mask = torch.where(keeps_one, mask & ~drop, mask)
    features = {}
    for m, name in enumerate(x.modalities):
        value = x.features[name]
        if augmentation.feature_noise > 0:
            noise = torch.randn(value.shape, generator=generator).to(value.device, value.dtype) * augmentation.feature_noise
            value = value + noise * mask[:, m : m + 1].to(value.dtype)
        features[name] = value * mask[:, m : m + 1].to(value.dtype)
    return MultimodalBatch(x.modalities, features, mask)


def augment_images(x: Inputs, augmentation: ImageAugmentation, generator: torch.Generator) -> Inputs:
    """Every (n, c, h, w) image gets its own random affine transform; multimodal batches get
    ``augment_features``; other inputs pass through."""
    if isinstance(x, MultimodalBatch):
        return augment_features(x, augmentation, generator) if augmentation.active_for_features else x
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
