"""Evaluation: intervals by hand, the cached-embedding path equals the public adapt path."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from vidmeta.meta import PixelNearestNeighbour, build_learner, evaluate, untrained_protonet
from vidmeta.meta.evaluation import iter_episode_accuracy, mean_and_ci95

from .conftest import feature_spec, gaussian_classes, image_spec, stroke_images


def test_mean_and_ci95_by_hand():
    mean, ci = mean_and_ci95(np.array([0.5, 1.0, 1.0, 0.5]))
    # sample std of (0.5, 1, 1, 0.5) = sqrt(4 * 0.0625 / 3); 1.96 * std / sqrt(4)
    assert mean == 0.75
    assert ci == pytest.approx(1.96 * math.sqrt(0.25 / 3) / 2)


@pytest.mark.parametrize("kind", ["protonet", "matching", "relation", "anil"])
def test_cached_features_match_the_adapt_path(kind):
    torch.manual_seed(0)
    learner = build_learner(image_spec(kind)).eval()
    data = stroke_images(8, 5, seed=2)
    common = dict(ways=4, shots=2, queries=3, episodes=5, seed=1)
    cached = list(iter_episode_accuracy(learner, data, **common))
    learner.caches_features = False  # force adapt()/predict_proba() on raw images per episode
    direct = list(iter_episode_accuracy(learner, data, **common))
    assert cached == direct


def test_pixel_nearest_neighbour_by_hand():
    nn = PixelNearestNeighbour((2,))
    support = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]], np.float32)
    classifier = nn.adapt(support, ["a", "a", "b"])
    queries = np.array([[0.1, 0.9], [4.0, 4.0], [2.4, 2.4]], np.float32)
    assert list(classifier.predict(queries, open_set=False)) == ["a", "b", "a"]
    # nearest example, not the class mean: (2.4, 2.4) is 2.4^2 + 1.4^2 = 7.72 from (0, 1)
    np.testing.assert_allclose(classifier.nearest_distance(queries)[2], 2.4**2 + 1.4**2, rtol=1e-6)


def test_baselines_on_an_easy_task():
    data = gaussian_classes(10, 6, seed=0, spread=0.05)
    nn = evaluate(PixelNearestNeighbour((12,)), data, ways=5, shots=1, queries=3, episodes=10, seed=0)
    assert nn.accuracy > 0.95 and nn.episodes == 10
    untrained = untrained_protonet(feature_spec("protonet").mapping, seed=0)
    assert evaluate(untrained, data, ways=5, shots=1, queries=3, episodes=10, seed=0).accuracy > 0.9
