"""Dataset adapters: arrays of features with labels, folders of images, and Omniglot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from vidmeta.meta.batch import Inputs, MultimodalBatch, batch_size, take
from vidmeta.meta.images import Decoder, decode_png, iter_image_files, resize_images


@dataclass(frozen=True)
class ArrayDataset:
    """Samples held in memory: a tensor (or multimodal batch) and an integer label per row."""

    inputs: Inputs  # (n, ...) float tensor or MultimodalBatch
    labels: np.ndarray  # (n,) int64
    class_names: tuple[str, ...] = field(default=())  # name of label i, when known

    def __post_init__(self) -> None:
        labels = np.asarray(self.labels, dtype=np.int64)
        object.__setattr__(self, "labels", labels)
        if labels.ndim != 1 or len(labels) != batch_size(self.inputs):
            raise ValueError(f"{len(labels)} labels for {batch_size(self.inputs)} samples")

    def __len__(self) -> int:
        return len(self.labels)

    def load(self, indices: np.ndarray) -> Inputs:
        return take(self.inputs, np.asarray(indices, dtype=np.int64))

    @property
    def sample_shape(self) -> tuple[int, ...]:
        if isinstance(self.inputs, MultimodalBatch):
            return ()
        return tuple(self.inputs.shape[1:])

    @staticmethod
    def from_arrays(features: np.ndarray | torch.Tensor, labels: Sequence[int] | np.ndarray) -> "ArrayDataset":
        """Features (n, ...) with arbitrary integer labels; labels are kept as given."""
        return ArrayDataset(torch.as_tensor(np.asarray(features), dtype=torch.float32), np.asarray(labels))

    def subset_classes(self, classes: np.ndarray) -> "ArrayDataset":
        """The rows whose label is in ``classes`` (labels and names unchanged)."""
        rows = np.flatnonzero(np.isin(self.labels, classes))
        return ArrayDataset(self.load(rows), self.labels[rows], self.class_names)


def split_classes(
    dataset: ArrayDataset, *, fraction: float, seed: int, group: int = 1
) -> tuple[ArrayDataset, ArrayDataset]:
    """Split into two datasets with disjoint classes (``fraction`` of the classes go second).

    ``group`` keeps consecutive labels together, e.g. group=4 keeps the four rotations of one
    Omniglot character on the same side so that validation characters are truly unseen.
    """
    groups = np.unique(dataset.labels // group)
    rng = np.random.default_rng(seed)
    held = rng.choice(groups, size=max(1, int(round(fraction * len(groups)))), replace=False)
    second = np.isin(dataset.labels // group, held)
    return (
        dataset.subset_classes(np.unique(dataset.labels[~second])),
        dataset.subset_classes(np.unique(dataset.labels[second])),
    )


def load_image_folder(
    source: str | Path,
    *,
    size: tuple[int, int] | None = None,
    invert: bool = False,
    decode: Decoder = decode_png,
    extensions: tuple[str, ...] = (".png",),
) -> ArrayDataset:
    """Greyscale images from a folder tree or a .zip, one class per folder, as a (n, 1, h, w) dataset.

    Values are floats in [0, 1]; ``invert`` flips them (1 - v), e.g. so that dark ink on white
    paper becomes ink = 1. ``size`` resizes every image (antialiased bilinear); without it all
    images must already share one size.
    """
    images, labels, names, index = [], [], [], {}
    for class_name, _, data in iter_image_files(source, extensions=extensions):
        if class_name not in index:
            index[class_name] = len(names)
            names.append(class_name)
        images.append(decode(data))
        labels.append(index[class_name])
    if not images:
        raise FileNotFoundError(f"no {extensions} images under {source}")
    if size is not None and len({img.shape for img in images}) == 1:
        stack = resize_images(np.stack(images), size)
    elif size is not None:
        stack = np.stack([resize_images(img[None], size)[0] for img in images])
    else:
        stack = np.stack(images).astype(np.float32)
    if invert:
        stack = 1.0 - stack
    return ArrayDataset(torch.from_numpy(np.ascontiguousarray(stack)).unsqueeze(1), np.array(labels), tuple(names))


def with_rotated_classes(dataset: ArrayDataset, *, rotations: int = 4) -> ArrayDataset:
    """Each 90-degree rotation of every class becomes a class of its own (label * rotations + k).

    This is the standard Omniglot augmentation (Santoro et al. 2016, Vinyals et al. 2016).
    """
    if isinstance(dataset.inputs, MultimodalBatch) or dataset.inputs.dim() != 4:
        raise ValueError("rotated classes need a (n, c, h, w) image dataset")
    if dataset.inputs.shape[-1] != dataset.inputs.shape[-2]:
        raise ValueError("rotations as classes need square images")
    parts = [torch.rot90(dataset.inputs, k, dims=(2, 3)) for k in range(rotations)]
    labels = np.concatenate([dataset.labels * rotations + k for k in range(rotations)])
    names = tuple(f"{n}@rot{90 * k}" for n in dataset.class_names for k in range(rotations))
    return ArrayDataset(torch.cat(parts).contiguous(), labels, names if dataset.class_names else ())


def load_omniglot(
    source: str | Path, *, size: int = 28, rotations: bool = True, decode: Decoder = decode_png
) -> ArrayDataset:
    """An Omniglot background/evaluation folder or zip as (n, 1, size, size) floats with ink = 1.

    The PNGs hold black strokes on white, so they are inverted. With ``rotations`` every
    character gives four classes (0, 90, 180, 270 degrees).
    """
    dataset = load_image_folder(source, size=(size, size), invert=True, decode=decode)
    return with_rotated_classes(dataset) if rotations else dataset
