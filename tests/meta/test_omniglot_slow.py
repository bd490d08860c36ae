"""Real data sanity (about a minute): a briefly trained ProtoNet beats nearest neighbour on pixels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vidmeta.meta import (
    LearnerSpec,
    MappingSpec,
    PixelNearestNeighbour,
    TrainOptions,
    build_learner,
    evaluate,
    load_learner,
    load_omniglot,
    run_job,
    save_learner,
    train_job,
)

pytestmark = pytest.mark.slow


def test_protonet_beats_pixel_nearest_neighbour(omniglot_dir, tmp_path):
    train = load_omniglot(omniglot_dir / "images_background_small1.zip")
    test = load_omniglot(omniglot_dir / "images_background_small2.zip")
    torch.manual_seed(0)
    learner = build_learner(LearnerSpec(kind="protonet", mapping=MappingSpec(kind="conv4", input_shape=(1, 28, 28))))
    options = TrainOptions(ways=20, shots=1, queries=5, max_steps=60, learning_rate=2e-3, seed=0)
    learner = run_job(train_job(learner, train, options=options)).learner
    common = dict(ways=5, shots=1, queries=5, episodes=40, seed=7)
    ours = evaluate(learner, test, **common)
    pixels = evaluate(PixelNearestNeighbour((1, 28, 28)), test, **common)
    assert ours.accuracy > pixels.accuracy + 0.15, (ours, pixels)

    # the public path on plain numpy images (n, 28, 28) in [0, 1], ink = 1, after a reload
    loaded = load_learner(save_learner(learner, tmp_path / "protonet.safetensors"))
    rows = np.flatnonzero(np.isin(test.labels, [0, 4, 8]))  # three characters, upright
    images, labels = test.inputs[rows, 0].numpy(), test.labels[rows]
    support = np.concatenate([np.flatnonzero(labels == c)[:1] for c in (0, 4, 8)])
    query = np.setdiff1d(np.arange(len(rows)), support)
    classifier = loaded.adapt(images[support], labels[support])
    assert (classifier.predict(images[query], open_set=False) == labels[query]).mean() > 0.8
