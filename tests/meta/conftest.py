"""Tiny synthetic few-shot problems for the meta-learning tests (seconds, CPU only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from vidmeta.meta import ArrayDataset, LearnerSpec, MappingSpec

OMNIGLOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "omniglot"

FEATURE_DIM = 12


@pytest.fixture(autouse=True)
def _few_threads() -> None:
    torch.set_num_threads(2)


def gaussian_classes(
    classes: int, per_class: int, *, seed: int, dim: int = FEATURE_DIM, spread: float = 0.3, distractors: float = 0.0
) -> ArrayDataset:
    """Class c is a blob around a random centre in the first half of the dimensions.

    ``distractors`` adds that much per-sample noise to the second half, which a trained
    mapping learns to ignore and an untrained one does not.
    """
    rng = np.random.default_rng(seed)
    half = dim // 2
    centres = rng.normal(size=(classes, half)) * 2.0
    x = np.zeros((classes * per_class, dim), np.float32)
    x[:, :half] = np.repeat(centres, per_class, axis=0) + rng.normal(size=(classes * per_class, half)) * spread
    x[:, half:] = rng.normal(size=(classes * per_class, dim - half)) * distractors
    return ArrayDataset.from_arrays(x, np.repeat(np.arange(classes), per_class))


def feature_spec(kind: str, **overrides) -> LearnerSpec:
    mapping = MappingSpec(kind="mlp", input_shape=(FEATURE_DIM,), hidden_dims=(32,), output_dim=16)
    values = dict(kind=kind, mapping=mapping, inner_lr=0.05, inner_steps=1, eval_inner_steps=5)
    values.update(overrides)
    return LearnerSpec(**values)


def image_spec(kind: str, **overrides) -> LearnerSpec:
    """A small conv4 (2 blocks, 8 filters) on 1x12x12 images, with batch norm."""
    mapping = MappingSpec(kind="conv4", input_shape=(1, 12, 12), channels=8, blocks=2)
    values = dict(kind=kind, mapping=mapping, inner_lr=0.05, inner_steps=1, eval_inner_steps=2)
    values.update(overrides)
    return LearnerSpec(**values)


def stroke_images(classes: int, per_class: int, *, seed: int, size: int = 12) -> ArrayDataset:
    """Each class is a fixed random pattern of lit pixels; samples flip a few pixels."""
    rng = np.random.default_rng(seed)
    patterns = (rng.random((classes, size, size)) < 0.25).astype(np.float32)
    x = np.repeat(patterns, per_class, axis=0)
    flips = rng.random(x.shape) < 0.03
    x = np.where(flips, 1.0 - x, x).astype(np.float32)
    return ArrayDataset(torch.from_numpy(x).unsqueeze(1), np.repeat(np.arange(classes), per_class))


@pytest.fixture(scope="session")
def omniglot_dir() -> Path:
    if not (OMNIGLOT / "images_background_small1.zip").is_file():
        pytest.skip(f"Omniglot not available: {OMNIGLOT} is absent (it sits beside the repo)")
    return OMNIGLOT
