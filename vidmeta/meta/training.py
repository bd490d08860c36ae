"""Meta-training as a pipeline job: a generator yielding Progress, cancellable, returning the result.

Usage::

    job = train_job(learner, train_set, options=TrainOptions(...), validation=val_set, cancel=token)
    result = yield from job          # inside another job, or drain it with run_job(job)

Training samples episodes from a seeded sampler, takes one optimiser step per meta-batch,
validates every ``validate_every`` steps on a fixed set of validation episodes, keeps the best
weights, stops early after ``patience`` validations without improvement, and restores the best
weights at the end. Same seed, same device: same weights.

With ``objective="classification"`` the same loop pre-trains the learner's mapping with a softmax
over every training class (a linear head used only here), still validated on episodes; a strong
starting point for any learner when training time is short (Chen et al. 2021, Meta-Baseline).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch
import torch.nn.functional as F

from vidmeta.domain import CancelToken, Progress
from vidmeta.meta.augment import ImageAugmentation, augment_images
from vidmeta.meta.checkpoints import save_learner
from vidmeta.meta.episodes import Episode, EpisodeSampler, LabelledDataset
from vidmeta.meta.evaluation import evaluate
from vidmeta.meta.learners import FewShotLearner

T = TypeVar("T")


@dataclass(frozen=True)
class TrainOptions:
    ways: int = 20  # classes per training episode (more than at test time often helps, Snell et al.)
    shots: int = 1  # support examples per class in training episodes
    queries: int = 5  # query examples per class in training episodes
    meta_batch_size: int = 1  # episodes per optimiser step
    max_steps: int = 1000  # optimiser steps at most
    learning_rate: float = 1e-3  # Adam step size at the start of the schedule
    weight_decay: float = 0.0  # Adam weight decay
    lr_schedule: str = "cosine"  # "cosine" (to 0 at max_steps), "step" or "constant"
    lr_step_every: int = 2000  # "step" schedule: halve the learning rate this often
    clip_grad_norm: float | None = None  # clip the meta-gradient norm, when set
    objective: str = "episodes"  # "episodes": the learner's meta-loss; "classification": pre-train the
    #   mapping with a softmax over all training classes (a head discarded afterwards)
    batch_size: int = 360  # classification: images per step
    augment: ImageAugmentation = ImageAugmentation()  # images: random affine jitter, training only
    validate_every: int = 100  # steps between validations
    validation_episodes: int = 100  # episodes per validation (the same ones every time)
    validation_ways: int = 5  # shape of the validation episodes
    validation_shots: int = 1
    validation_queries: int = 5  # per class
    validate_at_start: bool = False  # also validate the starting weights (step 0), e.g. when pre-trained
    patience: int = 0  # stop after this many validations without improvement; 0: never stop early
    time_limit_s: float | None = None  # stop after this much wall time (breaks exact reproducibility)
    seed: int = 0  # seeds the episode sampler and torch
    device: str | None = None  # None: CUDA when available, else CPU
    mixed_precision: bool = True  # bfloat16 autocast for the forward pass where the hardware supports it


@dataclass(frozen=True)
class ValidationRecord:
    step: int
    accuracy: float
    ci95: float
    train_loss: float  # mean training loss since the previous validation
    train_accuracy: float  # mean training query accuracy since the previous validation
    learning_rate: float
    seconds: float  # since training started


@dataclass(frozen=True)
class TrainResult:
    learner: FewShotLearner  # with the best weights restored
    steps: int  # optimiser steps taken
    best_step: int  # step of the best validation (or the last step without validation data)
    best_accuracy: float  # best validation accuracy (nan without validation data)
    stopped: str  # "max_steps", "early_stopping" or "time_limit"
    seconds: float
    device: str
    history: tuple[ValidationRecord, ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k not in ("learner", "history")}
        data["history"] = [asdict(r) for r in self.history]
        return data


def select_device(preference: str | None = None) -> torch.device:
    """``preference`` when given, else CUDA when available, else CPU."""
    if preference:
        return torch.device(preference)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def bfloat16_supported(device: torch.device) -> bool:
    """Whether bfloat16 autocast is fast here (CUDA with bf16, or a CPU with oneDNN bf16 support)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return device.type == "cpu" and bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def _schedule(options: TrainOptions) -> Any:
    if options.lr_schedule == "cosine":
        return lambda step: 0.5 * (1.0 + math.cos(math.pi * min(step, options.max_steps) / options.max_steps))
    if options.lr_schedule == "step":
        return lambda step: 0.5 ** (step // options.lr_step_every)
    if options.lr_schedule == "constant":
        return lambda step: 1.0
    raise ValueError(f"unknown lr_schedule {options.lr_schedule!r}")


class _ClassificationLoss:
    """Softmax over every training class on top of the mapping (pre-training objective)."""

    def __init__(
        self,
        learner: FewShotLearner,
        train_set: LabelledDataset,
        options: TrainOptions,
        generator: torch.Generator,
        device: torch.device,
    ) -> None:
        classes = np.unique(train_set.labels)
        self.targets = torch.from_numpy(np.searchsorted(classes, train_set.labels))
        self.head = torch.nn.Linear(learner.embedding_dim, len(classes)).to(device)
        self.learner, self.train_set, self.options, self.generator = learner, train_set, options, generator

    def __call__(self) -> tuple[torch.Tensor, float]:
        rows = torch.randint(0, len(self.targets), (self.options.batch_size,), generator=self.generator)
        x = augment_images(self.train_set.load(rows.numpy()), self.options.augment, self.generator)
        device = self.head.weight.device
        logits = self.head(self.learner.mapping(x.to(device))).float()
        targets = self.targets[rows].to(device)
        return F.cross_entropy(logits, targets), float((logits.argmax(1) == targets).float().mean())


def _objective(
    learner: FewShotLearner,
    train_set: LabelledDataset,
    sampler: EpisodeSampler,
    options: TrainOptions,
    generator: torch.Generator,
    device: torch.device,
) -> Callable[[], tuple[torch.Tensor, float]]:
    """The loss of one optimiser step, as a function drawing its own data."""
    if options.objective == "classification":
        return _ClassificationLoss(learner, train_set, options, generator, device)
    if options.objective != "episodes":
        raise ValueError(f"unknown objective {options.objective!r}")

    def episodes_loss() -> tuple[torch.Tensor, float]:
        episodes = []
        for _ in range(options.meta_batch_size):
            e = Episode.from_indices(train_set, sampler.sample())
            support, query = (augment_images(x, options.augment, generator) for x in (e.support_x, e.query_x))
            episodes.append(Episode(support, e.support_y, query, e.query_y, e.classes))
        return learner.meta_loss(episodes)

    return episodes_loss


class _BestTracker:
    """Validation records, and the weights of the best validation so far."""

    def __init__(self, learner: FewShotLearner, validation: LabelledDataset | None, options: TrainOptions,
                 start: float) -> None:
        self.learner, self.validation, self.options, self.start = learner, validation, options, start
        self.best_accuracy, self.best_step, self.bad_validations = -math.inf, 0, 0
        self.best_state = {k: v.detach().clone() for k, v in learner.state_dict().items()}
        self.history: list[ValidationRecord] = []
        self.losses: list[float] = []
        self.accuracies: list[float] = []

    def record(self, loss: float, accuracy: float) -> None:
        self.losses.append(loss)
        self.accuracies.append(accuracy)

    def validate(self, step: int, learning_rate: float) -> None:
        assert self.validation is not None
        options = self.options
        self.learner.eval()
        result = evaluate(
            self.learner, self.validation, ways=options.validation_ways, shots=options.validation_shots,
            queries=options.validation_queries, episodes=options.validation_episodes, seed=options.seed + 1,
        )
        self.learner.train()
        mean = (lambda v: float(np.mean(v)) if v else math.nan)
        self.history.append(ValidationRecord(
            step, result.accuracy, result.ci95, mean(self.losses), mean(self.accuracies), learning_rate,
            time.perf_counter() - self.start,
        ))
        self.losses, self.accuracies = [], []
        if result.accuracy > self.best_accuracy:
            self.best_accuracy, self.best_step, self.bad_validations = result.accuracy, step, 0
            self.best_state = {k: v.detach().clone() for k, v in self.learner.state_dict().items()}
        else:
            self.bad_validations += 1


def train_job(
    learner: FewShotLearner,
    train_set: LabelledDataset,
    *,
    options: TrainOptions = TrainOptions(),
    validation: LabelledDataset | None = None,
    cancel: CancelToken | None = None,
    checkpoint: str | Path | None = None,
    checkpoint_extra: dict[str, Any] | None = None,
) -> Generator[Progress, None, TrainResult]:
    """Meta-train ``learner`` in place; yields Progress after every step, returns a TrainResult.

    Raises ``vidmeta.domain.Cancelled`` (within one step) when ``cancel`` is cancelled. With
    ``checkpoint`` the best weights are saved there at the end, with the options and history.
    """
    cancel = cancel or CancelToken()
    torch.manual_seed(options.seed)
    device = select_device(options.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    learner.to(device).train()
    sampler = EpisodeSampler(
        train_set.labels, ways=options.ways, shots=options.shots, queries=options.queries, seed=options.seed
    )
    generator = torch.Generator().manual_seed(options.seed)
    autocast = options.mixed_precision and bfloat16_supported(device)
    step_loss = _objective(learner, train_set, sampler, options, generator, device)
    parameters = list(learner.parameters())
    if isinstance(step_loss, _ClassificationLoss):
        parameters += list(step_loss.head.parameters())
    optimiser = torch.optim.Adam(parameters, lr=options.learning_rate, weight_decay=options.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, _schedule(options))

    start = time.perf_counter()
    tracker = _BestTracker(learner, validation, options, start)
    stopped, step = "max_steps", 0
    yield Progress(0.0, "Meta-training", f"{learner.kind} on {device}")
    if validation is not None and options.validate_at_start:
        # The starting weights compete too: a pre-trained mapping may already be the best.
        tracker.validate(0, optimiser.param_groups[0]["lr"])
    while step < options.max_steps:
        cancel.raise_if_cancelled()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            loss, accuracy = step_loss()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        if options.clip_grad_norm:
            torch.nn.utils.clip_grad_norm_(parameters, options.clip_grad_norm)
        optimiser.step()
        scheduler.step()
        step += 1
        tracker.record(float(loss.detach()), accuracy)
        elapsed = time.perf_counter() - start
        if validation is not None and (step % options.validate_every == 0 or step == options.max_steps):
            tracker.validate(step, optimiser.param_groups[0]["lr"])
            if options.patience and tracker.bad_validations >= options.patience:
                stopped = "early_stopping"
        fraction = step / options.max_steps
        if options.time_limit_s:
            fraction = max(fraction, min(1.0, elapsed / options.time_limit_s))
        detail = f"step {step}, loss {float(loss.detach()):.3f}, accuracy {accuracy:.3f}"
        if tracker.history:
            detail += f", best validation {tracker.best_accuracy:.3f}"
        yield Progress(min(fraction, 1.0), "Meta-training", detail)
        if stopped == "early_stopping":
            break
        if options.time_limit_s and elapsed >= options.time_limit_s:
            stopped = "time_limit"
            break

    best_step, best_accuracy, best_state = tracker.best_step, tracker.best_accuracy, tracker.best_state
    if validation is None:
        best_step, best_accuracy, best_state = step, math.nan, learner.state_dict()
    learner.load_state_dict(best_state)
    learner.eval()
    result = TrainResult(
        learner, step, best_step, best_accuracy, stopped, time.perf_counter() - start, str(device),
        tuple(tracker.history),
    )
    if checkpoint is not None:
        extra = {"training": asdict(options), "result": result.summary()} | (checkpoint_extra or {})
        save_learner(learner, checkpoint, extra=extra)
    yield Progress(1.0, "Meta-training", f"done: {stopped} after {step} steps")
    return result


def run_job(job: Generator[Progress, None, T]) -> T:
    """Drain a job generator, ignoring its progress, and return its result."""
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value
