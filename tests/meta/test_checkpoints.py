"""Save, load, predict the same; the checkpoint describes the learner; loading is weights-only."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from vidmeta.meta import (
    LEARNER_KINDS,
    TrainOptions,
    build_learner,
    load_learner,
    read_checkpoint_config,
    run_job,
    sample_episodes,
    save_learner,
    train_job,
)

from .conftest import feature_spec, gaussian_classes, image_spec, stroke_images


@pytest.mark.parametrize("kind", LEARNER_KINDS)
@pytest.mark.parametrize("suffix", [".safetensors", ".pt"])
def test_round_trip_gives_identical_predictions(kind, suffix, tmp_path):
    torch.manual_seed(0)
    data = stroke_images(10, 5, seed=0)
    learner = build_learner(image_spec(kind, distance="cosine" if kind == "matching" else "mahalanobis"))
    # a couple of steps so batch-norm statistics and learned parameters are not at their defaults
    run_job(train_job(learner, data, options=TrainOptions(ways=3, shots=1, queries=2, max_steps=2)))
    path = save_learner(learner, tmp_path / f"model{suffix}", extra={"note": "test"})
    loaded = load_learner(path)
    assert type(loaded) is type(learner) and loaded.spec == learner.spec and not loaded.training
    for key, value in learner.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    episode = next(sample_episodes(data, ways=4, shots=2, queries=2, episodes=1, seed=1))
    a = learner.eval().adapt(episode.support_x, episode.support_y)
    b = loaded.adapt(episode.support_x, episode.support_y)
    np.testing.assert_array_equal(a.predict_proba(episode.query_x), b.predict_proba(episode.query_x))
    assert a.threshold == b.threshold


def test_config_records_kind_architecture_shape_and_hyperparameters(tmp_path):
    learner = build_learner(image_spec("metasgd", inner_lr=0.123, eval_inner_steps=7))
    config = read_checkpoint_config(save_learner(learner, tmp_path / "m.safetensors", extra={"seed": 5}))
    assert config["format"] == 1
    assert config["learner"]["kind"] == "metasgd"
    assert config["learner"]["mapping"] == {
        "kind": "conv4", "input_shape": [1, 12, 12], "output_dim": 64, "hidden_dims": [], "channels": 8,
        "blocks": 2, "dropout": 0.0, "modalities": [],
    }
    assert config["input_shape"] == [1, 12, 12]
    assert config["learner"]["inner_lr"] == 0.123 and config["learner"]["eval_inner_steps"] == 7
    assert config["extra"] == {"seed": 5}


def test_pt_checkpoints_load_weights_only(tmp_path, monkeypatch):
    path = save_learner(build_learner(feature_spec("protonet")), tmp_path / "m.pt")
    calls = []
    original = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return original(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    load_learner(path)
    assert calls and all(c is True for c in calls)


def test_foreign_files_are_rejected(tmp_path):
    from safetensors.torch import save_file

    save_file({"w": torch.zeros(2)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(ValueError):
        load_learner(tmp_path / "other.safetensors")
    path = save_learner(build_learner(feature_spec("protonet")), tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"] = json.dumps({**json.loads(payload["config"]), "format": 99})
    torch.save(payload, path)
    with pytest.raises(ValueError):
        load_learner(path)


def test_loaded_learner_keeps_training(tmp_path):
    """A checkpoint is a starting point too: load, train further, save again."""
    data = gaussian_classes(20, 5, seed=0)
    path = save_learner(build_learner(feature_spec("fomaml")), tmp_path / "a.safetensors")
    learner = load_learner(path)
    run_job(train_job(learner, data, options=TrainOptions(ways=3, shots=1, queries=2, max_steps=2)))
    assert load_learner(save_learner(learner, tmp_path / "b.safetensors")).spec == learner.spec


def test_shift_views_average_translated_embeddings_at_inference_and_survive_a_round_trip(tmp_path):
    torch.manual_seed(0)
    learner = build_learner(image_spec("protonet", shift_views=1)).eval()
    x = torch.zeros(2, 1, 12, 12)
    x[0, 0, 3:6, 4] = 1.0
    x[1, 0, 7, 2:9] = 1.0
    moved = [torch.roll(x, shifts=s, dims=d) for s, d in ((1, 3), (-1, 3), (1, 2), (-1, 2))]  # no ink at edges
    expected = torch.stack([learner.mapping(v) for v in [x, *moved]]).mean(0)
    torch.testing.assert_close(learner.embed(x), expected)
    learner.train()
    assert torch.equal(learner.embed(x), learner.mapping(x))  # training sees the image alone

    data = stroke_images(6, 4, seed=2)
    episode = next(sample_episodes(data, ways=3, shots=2, queries=2, episodes=1, seed=0))
    loaded = load_learner(save_learner(learner.eval(), tmp_path / "tta.safetensors"))
    assert loaded.spec.shift_views == 1
    np.testing.assert_array_equal(learner.adapt(episode.support_x, episode.support_y).predict_proba(episode.query_x),
                                  loaded.adapt(episode.support_x, episode.support_y).predict_proba(episode.query_x))
