"""The meta-training job: progress, cancel, early stopping, determinism, checkpoints."""

from __future__ import annotations

import math

import pytest
import torch

from vidmeta.domain import CancelToken, Cancelled, Progress
from vidmeta.meta.augment import ImageAugmentation
from vidmeta.meta import TrainOptions, build_learner, evaluate, read_checkpoint_config, run_job, train_job

from .conftest import feature_spec, gaussian_classes, image_spec, stroke_images

OPTIONS = TrainOptions(ways=5, shots=1, queries=3, max_steps=30, validate_every=10, validation_episodes=10, seed=3)


def _data():
    # Half the dimensions are noise larger than the class spread: training must learn to ignore them.
    return gaussian_classes(30, 6, seed=0, distractors=2.0), gaussian_classes(10, 6, seed=1, distractors=2.0)


def test_training_improves_and_reports_progress():
    train, val = _data()
    torch.manual_seed(0)
    learner = build_learner(feature_spec("protonet"))
    before = evaluate(learner.eval(), val, ways=5, shots=1, queries=3, episodes=30, seed=9).accuracy
    job = train_job(learner, train, options=OPTIONS.__class__(**{**OPTIONS.__dict__, "max_steps": 60}), validation=val)
    progress = []
    while True:
        try:
            progress.append(next(job))
        except StopIteration as stop:
            result = stop.value
            break
    assert all(isinstance(p, Progress) for p in progress)
    fractions = [p.fraction for p in progress]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert result.steps == 60 and result.stopped == "max_steps" and len(result.history) == 6
    assert result.best_accuracy == max(r.accuracy for r in result.history)
    after = evaluate(result.learner, val, ways=5, shots=1, queries=3, episodes=30, seed=9).accuracy
    assert after > before + 0.05
    assert not result.learner.training  # handed back in eval mode


def test_same_seed_same_weights_other_seed_other_weights():
    train, val = _data()
    states = []
    for seed in (3, 3, 4):
        torch.manual_seed(0)  # same initial weights; the training seed varies
        learner = build_learner(image_spec("protonet"))
        options = TrainOptions(ways=3, shots=1, queries=2, max_steps=4, seed=seed, augment=ImageAugmentation(shift=1, rotation=5, scale=0.05))
        run_job(train_job(learner, stroke_images(8, 4, seed=0), options=options))
        states.append(learner.state_dict())
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])
    assert not all(torch.equal(states[0][k], states[2][k]) for k in states[0])


def test_cancel_stops_within_a_step():
    train, _ = _data()
    token = CancelToken()
    job = train_job(build_learner(feature_spec("protonet")), train, options=OPTIONS, cancel=token)
    next(job), next(job), next(job)
    token.cancel()
    with pytest.raises(Cancelled):
        next(job)


def test_early_stopping_keeps_the_best_weights():
    train, val = _data()
    learner = build_learner(feature_spec("protonet"))
    options = TrainOptions(
        ways=5, shots=1, queries=3, max_steps=100, validate_every=5, validation_episodes=10, patience=2,
        learning_rate=0.0,  # nothing improves after the first validation
    )
    result = run_job(train_job(learner, train, options=options, validation=val))
    assert result.stopped == "early_stopping"
    assert result.steps == 15 and result.best_step == 5


def test_time_limit():
    train, _ = _data()
    options = TrainOptions(ways=5, shots=1, queries=3, max_steps=10**6, time_limit_s=0.5)
    result = run_job(train_job(build_learner(feature_spec("protonet")), train, options=options))
    assert result.stopped == "time_limit" and 0 < result.steps < 10**6
    assert math.isnan(result.best_accuracy)


def test_checkpoint_written_with_options_and_history(tmp_path):
    train, val = _data()
    path = tmp_path / "sub" / "model.safetensors"
    run_job(train_job(build_learner(feature_spec("anil")), train, options=OPTIONS, validation=val, checkpoint=path))
    config = read_checkpoint_config(path)
    assert config["learner"]["kind"] == "anil"
    assert config["extra"]["training"]["max_steps"] == 30
    assert len(config["extra"]["result"]["history"]) == 3


def test_device_selection():
    from vidmeta.meta import select_device

    assert select_device("cpu").type == "cpu"
    assert select_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_starting_weights_can_win():
    """With validate_at_start, weights that training only makes worse are kept (step 0)."""
    train, val = _data()
    learner = build_learner(feature_spec("protonet"))
    start = {k: v.clone() for k, v in learner.state_dict().items()}
    options = TrainOptions(
        ways=5, shots=1, queries=3, max_steps=20, validate_every=10, validation_episodes=10, learning_rate=0.0,
        validate_at_start=True,
    )
    result = run_job(train_job(learner, train, options=options, validation=val))
    assert [r.step for r in result.history] == [0, 10, 20] and result.best_step == 0
    assert all(torch.equal(start[k], v) for k, v in learner.state_dict().items())
