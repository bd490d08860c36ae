"""What bench_meta.py trains: one entry per learner/distance, in a reduced (CPU) and a full (GPU) setting.

Reduced setting (default, a 2-core CPU, under 15 minutes): the conv4 mapping is first
pre-trained once with a softmax over all training classes (as in Meta-Baseline, Chen et al.
2021), then every learner starts from that mapping and is meta-trained briefly with its own
objective. Gradient learners run few inner steps; their evaluation adapts the whole network per
episode, so they get fewer evaluation episodes (see EVAL_EPISODES_ADAPTING).

Full setting (--full, meant for a GPU): every learner is trained from scratch with settings
close to its paper (Snell 2017, Vinyals 2016, Sung 2018, Finn 2017, Raghu 2020, Li 2017,
Nichol 2018), evaluated on 1,000 episodes per setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from vidmeta.meta import LearnerSpec, MappingSpec, TrainOptions
from vidmeta.meta.augment import ImageAugmentation

CONV4 = MappingSpec(kind="conv4", input_shape=(1, 28, 28))
AUGMENT = ImageAugmentation(shift=2.0, rotation=10.0, scale=0.1)  # meta-training episodes
STRONG_AUGMENT = ImageAugmentation(shift=3.0, rotation=15.0, scale=0.15)  # pre-training
SETTINGS = ((5, 1), (5, 5), (20, 1), (20, 5))  # (ways, shots) evaluated, as in the papers
EVAL_QUERIES = 5  # per class; Snell et al. also evaluate Omniglot with 5 queries per class

# Published full-Omniglot accuracies (%), 5-way 1-shot, 5-way 5-shot, 20-way 1-shot, 20-way 5-shot.
PUBLISHED = {
    "protonet": (98.8, 99.7, 96.0, 98.9),
    "maml": (98.7, 99.9, 95.8, 98.9),
    "matching": (98.1, 98.9, 93.8, 98.5),
    "relation": (99.6, 99.8, 97.6, 99.1),
}


@dataclass(frozen=True)
class Run:
    name: str  # checkpoint file stem and table row
    spec: LearnerSpec
    options: TrainOptions
    pretrained: bool = True  # start from the classification-pretrained mapping
    shift_views: int = 0  # metric learners: test-time shift averaging set after training (LearnerSpec)


@dataclass(frozen=True)
class Plan:
    pretrain: TrainOptions | None  # None: no shared pre-training
    runs: tuple[Run, ...]
    eval_episodes: int = 1000
    eval_episodes_adapting: dict[int, int] = field(default_factory=dict)  # ways -> episodes, gradient learners


def _spec(kind: str, **kw) -> LearnerSpec:
    return LearnerSpec(kind=kind, mapping=CONV4, **kw)


def _episodes(**kw) -> TrainOptions:
    base = dict(
        ways=20, shots=1, queries=5, learning_rate=5e-4, augment=AUGMENT, validate_every=50,
        validation_episodes=200, validation_ways=20, validation_shots=1, validation_queries=5, seed=1,
    )
    return TrainOptions(**(base | kw))


def reduced_plan() -> Plan:
    pretrain = TrainOptions(
        objective="classification", batch_size=360, max_steps=1200, learning_rate=2e-3, weight_decay=5e-4,
        augment=STRONG_AUGMENT, validate_every=200, validation_episodes=200, validation_ways=20, seed=0,
    )
    # Every run also validates its starting point (the pre-trained mapping) and keeps whichever
    # of start and later steps validates best.
    tune = dict(learning_rate=1e-4, validate_at_start=True, validate_every=30)
    gradient = dict(ways=5, shots=1, queries=5, meta_batch_size=4, validation_ways=5, validation_episodes=50,
                    validate_every=30, max_steps=30, learning_rate=1e-4, validate_at_start=True)
    inner = dict(head_scale=0.01, inner_lr=0.01)
    runs = (
        Run("protonet-squared_euclidean", _spec("protonet"), _episodes(ways=60, max_steps=60, **tune),
            shift_views=1),
        Run("protonet-cosine", _spec("protonet", distance="cosine"), _episodes(ways=60, max_steps=60, **tune),
            shift_views=1),
        Run("protonet-manhattan", _spec("protonet", distance="manhattan"), _episodes(ways=60, max_steps=60, **tune),
            shift_views=1),
        Run("protonet-mahalanobis", _spec("protonet", distance="mahalanobis"),
            _episodes(ways=60, max_steps=60, **tune), shift_views=1),
        Run("matching-cosine", _spec("matching", distance="cosine"), _episodes(ways=20, max_steps=60, **tune), shift_views=1),
        Run("relation", _spec("relation"),
            _episodes(ways=20, max_steps=150, learning_rate=1e-3, validate_every=50, validate_at_start=False),
            shift_views=1),
        Run("anil", _spec("anil", inner_steps=3, eval_inner_steps=5, **inner), _episodes(max_steps=60, **tune)),
        Run("maml", _spec("maml", inner_steps=1, eval_inner_steps=3, **inner), _episodes(**gradient)),
        Run("fomaml", _spec("fomaml", inner_steps=1, eval_inner_steps=3, **inner), _episodes(**gradient)),
        Run("metasgd", _spec("metasgd", inner_steps=1, eval_inner_steps=3, **inner), _episodes(**gradient)),
        Run("reptile", _spec("reptile", inner_steps=3, eval_inner_steps=3, **inner), _episodes(**gradient)),
    )
    return Plan(pretrain, runs, 1000, {5: 100, 20: 30})


def full_plan() -> Plan:
    def scratch(name: str, spec: LearnerSpec, **kw) -> Run:
        base = dict(lr_schedule="step", lr_step_every=2000, learning_rate=1e-3, validate_every=500, patience=10)
        views = 1 if spec.kind in ("protonet", "matching", "relation") else 0
        return Run(name, spec, _episodes(**(base | kw)), pretrained=False, shift_views=views)

    maml = dict(ways=5, shots=1, queries=5, meta_batch_size=32, max_steps=20000, validation_ways=5,
                lr_schedule="constant", validate_every=1000)
    runs = (
        scratch("protonet-squared_euclidean", _spec("protonet"), ways=60, max_steps=20000),
        scratch("protonet-cosine", _spec("protonet", distance="cosine"), ways=60, max_steps=20000),
        scratch("protonet-manhattan", _spec("protonet", distance="manhattan"), ways=60, max_steps=20000),
        scratch("protonet-mahalanobis", _spec("protonet", distance="mahalanobis"), ways=60, max_steps=20000),
        scratch("matching-cosine", _spec("matching", distance="cosine"), ways=20, max_steps=20000),
        scratch("relation", _spec("relation"), ways=20, max_steps=20000),
        scratch("anil", _spec("anil", inner_lr=0.4, inner_steps=5, eval_inner_steps=10, head_init="zeros"), **maml),
        scratch("maml", _spec("maml", inner_lr=0.4, inner_steps=1, eval_inner_steps=3, head_init="zeros"), **maml),
        scratch("fomaml", _spec("fomaml", inner_lr=0.4, inner_steps=1, eval_inner_steps=3, head_init="zeros"), **maml),
        scratch("metasgd", _spec("metasgd", inner_lr=0.4, inner_steps=1, eval_inner_steps=3, head_init="zeros"), **maml),
        scratch("reptile", _spec("reptile", inner_lr=0.1, inner_steps=5, eval_inner_steps=50, head_init="zeros"),
                **(maml | dict(meta_batch_size=5))),
    )
    return Plan(None, runs, 1000, {5: 1000, 20: 1000})


def select(plan: Plan, names: list[str] | None) -> Plan:
    if not names:
        return plan
    unknown = set(names) - {r.name for r in plan.runs}
    if unknown:
        raise SystemExit(f"unknown runs {sorted(unknown)}; choose from {[r.name for r in plan.runs]}")
    return replace(plan, runs=tuple(r for r in plan.runs if r.name in names))
