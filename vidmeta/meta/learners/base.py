"""What every few-shot learner shares: its spec, its mapping, input handling, the adapt contract."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from vidmeta.meta.batch import Inputs, MultimodalBatch, as_input_tensor
from vidmeta.meta.classifier import FewShotClassifier, encode_labels
from vidmeta.meta.episodes import Episode
from vidmeta.meta.mappings import MappingSpec, build_mapping

LEARNER_KINDS = ("protonet", "matching", "relation", "maml", "fomaml", "anil", "metasgd", "reptile")


@dataclass(frozen=True)
class LearnerSpec:
    """Everything needed to rebuild a learner before loading its weights."""

    kind: str  # one of LEARNER_KINDS
    mapping: MappingSpec  # the embedding network
    distance: str = "squared_euclidean"  # protonet/matching: see distances.DISTANCE_KINDS
    temperature: float = 10.0  # cosine distance: initial (learned) temperature
    relation_hidden: int = 64  # relation: hidden width of the relation module
    relation_loss: str = "cross_entropy"  # relation: "cross_entropy", or "mse" on sigmoid scores (the paper)
    inner_lr: float = 0.4  # gradient learners: inner-loop step size (Meta-SGD: its initial value)
    inner_steps: int = 1  # gradient learners: inner steps during meta-training
    eval_inner_steps: int = 3  # gradient learners: inner steps in adapt()
    head_init: str = "prototypes"  # gradient learners: "prototypes" (Proto-MAML) or "zeros"
    head_scale: float = 1.0  # gradient learners: initial (learned) scale of the prototype head
    unknown_quantile: float = 1.0  # open set: quantile of leave-one-out support distances kept as known
    shift_views: int = 0  # metric learners on images, inference only: average the embedding of the image
    #                       and its four shifts by this many pixels (0: the image alone)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["mapping"] = self.mapping.to_dict()
        return data

    @staticmethod
    def from_dict(data: dict) -> "LearnerSpec":
        data = dict(data)
        data["mapping"] = MappingSpec.from_dict(data["mapping"])
        return LearnerSpec(**data)


@contextlib.contextmanager
def evaluating(module: nn.Module) -> Iterator[None]:
    """Eval mode inside the block, the previous mode after it."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)


class FewShotLearner(nn.Module, metaclass=abc.ABCMeta):
    """A mapping plus the rule that turns a support set into a classifier.

    Subclasses implement ``meta_loss`` (the meta-training objective on a batch of episodes) and
    ``adapt``. Learners whose classifier only needs embeddings of a fixed network also set
    ``caches_features`` and implement ``embed`` and ``classifier_from_features``, so evaluation
    can embed a dataset once instead of once per episode.
    """

    caches_features = False

    def __init__(self, spec: LearnerSpec) -> None:
        super().__init__()
        if spec.kind not in LEARNER_KINDS:
            raise ValueError(f"unknown learner kind {spec.kind!r}")
        self.spec = spec
        self.mapping = build_mapping(spec.mapping)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.spec.mapping.input_shape

    @property
    def embedding_dim(self) -> int:
        return int(self.mapping.output_dim)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def prepare(self, x: Any) -> Inputs:
        """User data (numpy or torch; images with or without channel axis) as inputs on our device."""
        if isinstance(x, MultimodalBatch):
            return x.to(self.device)
        return as_input_tensor(x, self.input_shape).to(self.device)

    @abc.abstractmethod
    def meta_loss(self, episodes: Sequence[Episode]) -> tuple[Tensor, float]:
        """Mean meta-training loss over ``episodes`` (differentiable) and query accuracy."""

    @abc.abstractmethod
    def adapt(self, support_x: Any, support_y: Any) -> FewShotClassifier:
        """A classifier for the classes of the support set (any labels, any number of ways)."""

    def _encode_support(self, support_x: Any, support_y: Any) -> tuple[Inputs, Tensor, np.ndarray]:
        inputs = self.prepare(support_x)
        classes, positions = encode_labels(support_y)
        if len(positions) != (len(inputs) if isinstance(inputs, MultimodalBatch) else inputs.shape[0]):
            raise ValueError("support_x and support_y differ in length")
        return inputs, positions.to(self.device), classes
