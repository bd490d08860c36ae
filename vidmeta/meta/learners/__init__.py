"""Few-shot learners, built by kind from a ``LearnerSpec``."""

from __future__ import annotations

from vidmeta.meta.learners.base import LEARNER_KINDS, FewShotLearner, LearnerSpec, evaluating
from vidmeta.meta.learners.gradient import ANIL, FirstOrderMAML, GradientLearner, MetaSGD, Reptile
from vidmeta.meta.learners.metric import MatchingNet, MetricLearner, ProtoNet, RelationNet

LEARNER_CLASSES: dict[str, type[FewShotLearner]] = {
    "protonet": ProtoNet,
    "matching": MatchingNet,
    "relation": RelationNet,
    "maml": GradientLearner,
    "fomaml": FirstOrderMAML,
    "anil": ANIL,
    "metasgd": MetaSGD,
    "reptile": Reptile,
}
assert set(LEARNER_CLASSES) == set(LEARNER_KINDS)


def build_learner(spec: LearnerSpec) -> FewShotLearner:
    """A new, untrained learner of ``spec.kind`` (weights freshly initialised)."""
    try:
        cls = LEARNER_CLASSES[spec.kind]
    except KeyError:
        raise ValueError(f"unknown learner kind {spec.kind!r}; expected one of {LEARNER_KINDS}") from None
    return cls(spec)


__all__ = [
    "ANIL",
    "LEARNER_CLASSES",
    "LEARNER_KINDS",
    "FewShotLearner",
    "FirstOrderMAML",
    "GradientLearner",
    "LearnerSpec",
    "MatchingNet",
    "MetaSGD",
    "MetricLearner",
    "ProtoNet",
    "RelationNet",
    "Reptile",
    "build_learner",
    "evaluating",
]
