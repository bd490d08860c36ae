"""Reference points for the learners: nearest neighbour on raw inputs, and untrained networks."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from vidmeta.meta.batch import Inputs, as_input_tensor
from vidmeta.meta.classifier import FewShotClassifier, calibrate_threshold, encode_labels, one_hot
from vidmeta.meta.distances import SquaredEuclidean
from vidmeta.meta.learners import FewShotLearner, LearnerSpec, build_learner
from vidmeta.meta.mappings import MappingSpec


class PixelNearestNeighbour:
    """1-nearest-neighbour on the flattened inputs (Euclidean); nothing is learned.

    It has the learner interface used by evaluation (``adapt``, ``embed``,
    ``classifier_from_features``) so it is evaluated on exactly the same episodes.
    """

    caches_features = True

    def __init__(self, input_shape: tuple[int, ...]) -> None:
        self.input_shape = input_shape
        self.device = torch.device("cpu")
        self.training = False
        self._distance = SquaredEuclidean()

    def eval(self) -> "PixelNearestNeighbour":
        return self

    def train(self, mode: bool = True) -> "PixelNearestNeighbour":
        return self

    def embed(self, x: Inputs) -> Tensor:
        assert isinstance(x, Tensor)
        return x.flatten(1).float()

    def adapt(self, support_x: Any, support_y: Any) -> FewShotClassifier:
        classes, labels = encode_labels(support_y)
        return self.classifier_from_features(self.embed(as_input_tensor(support_x, self.input_shape)), labels, classes)

    def classifier_from_features(self, zs: Tensor, labels: Tensor, classes: np.ndarray) -> FewShotClassifier:
        ways = len(classes)
        member = one_hot(labels.to(zs.device), ways).T.bool()  # (ways, n)

        def class_distance(zq: Tensor) -> Tensor:
            d = self._distance(zq, zs)  # (q, n)
            return torch.stack([d[:, member[c]].min(1).values for c in range(ways)], dim=1)

        return FewShotClassifier(
            classes=classes,
            embed=lambda x: self.embed(x),
            logits=lambda zq: -class_distance(zq),
            class_distance=class_distance,
            threshold=lambda: calibrate_threshold(zs, labels, ways, self._distance),
            prepare=lambda x: as_input_tensor(x, self.input_shape),
        )


def untrained_protonet(mapping: MappingSpec, *, seed: int) -> FewShotLearner:
    """A prototypical network whose mapping keeps its random initial weights."""
    torch.manual_seed(seed)
    learner = build_learner(LearnerSpec(kind="protonet", mapping=mapping))
    return learner.eval()
