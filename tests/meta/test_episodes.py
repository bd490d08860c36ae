"""Sampler invariants, checked on arbitrary label arrays with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from vidmeta.meta import ArrayDataset, Episode, EpisodeSampler, sample_episodes


@st.composite
def labelled_problem(draw):
    """Random class sizes (some tiny), arbitrary label values, and an episode shape."""
    sizes = draw(st.lists(st.integers(1, 12), min_size=1, max_size=15))
    values = draw(st.lists(st.integers(-50, 1000), min_size=len(sizes), max_size=len(sizes), unique=True))
    labels = np.concatenate([np.full(n, v) for n, v in zip(sizes, values)])
    labels = draw(st.permutations(list(labels))) if len(labels) < 60 else labels
    shots = draw(st.integers(1, 4))
    queries = draw(st.integers(0, 5))
    ways = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31 - 1))
    return np.asarray(labels, np.int64), ways, shots, queries, seed


@settings(max_examples=150, deadline=None)
@given(labelled_problem())
def test_sampler_invariants(problem):
    labels, ways, shots, queries, seed = problem
    counts = {c: int((labels == c).sum()) for c in np.unique(labels)}
    needed = shots + (1 if queries else 0)
    eligible = [c for c, n in counts.items() if n >= needed]
    if len(eligible) < ways:
        with pytest.raises(ValueError):
            EpisodeSampler(labels, ways=ways, shots=shots, queries=queries, seed=seed)
        return
    sampler = EpisodeSampler(labels, ways=ways, shots=shots, queries=queries, seed=seed)
    assert sorted(sampler.eligible_classes.tolist()) == sorted(eligible)
    for _ in range(3):
        e = sampler.sample()
        # N distinct eligible classes
        assert len(e.classes) == ways and len(set(e.classes.tolist())) == ways
        assert set(e.classes.tolist()) <= set(eligible)
        # class-balanced support: exactly `shots` per class, labelled by position in `classes`
        assert np.array_equal(np.bincount(e.support_labels, minlength=ways), np.full(ways, shots))
        assert np.array_equal(labels[e.support], e.classes[e.support_labels])
        # class-balanced query: the same count for every class, at most `queries`, at least 1
        q = len(e.query) // ways
        assert len(e.query) == q * ways
        assert (1 <= q <= queries) if queries else q == 0
        assert np.array_equal(np.bincount(e.query_labels, minlength=ways), np.full(ways, q))
        assert np.array_equal(labels[e.query], e.classes[e.query_labels])
        # q is the most every chosen class can give
        assert q == min(queries, min(counts[c] for c in e.classes.tolist()) - shots)
        # no example twice, none both support and query
        both = np.concatenate([e.support, e.query])
        assert len(np.unique(both)) == len(both)


@settings(max_examples=30, deadline=None)
@given(labelled_problem())
def test_same_seed_same_episodes(problem):
    labels, ways, shots, queries, seed = problem
    try:
        a = EpisodeSampler(labels, ways=ways, shots=shots, queries=queries, seed=seed)
    except ValueError:
        return
    b = EpisodeSampler(labels, ways=ways, shots=shots, queries=queries, seed=seed)
    for _ in range(3):
        ea, eb = a.sample(), b.sample()
        assert np.array_equal(ea.support, eb.support) and np.array_equal(ea.query, eb.query)


def test_different_seeds_differ():
    labels = np.repeat(np.arange(30), 5)
    a = EpisodeSampler(labels, ways=5, shots=1, queries=2, seed=1).sample()
    b = EpisodeSampler(labels, ways=5, shots=1, queries=2, seed=2).sample()
    assert not np.array_equal(a.support, b.support)


def test_every_class_is_drawn_eventually():
    labels = np.repeat(np.arange(8), 3)
    sampler = EpisodeSampler(labels, ways=2, shots=1, queries=1, seed=0)
    seen = set()
    for _ in range(100):
        seen |= set(sampler.sample().classes.tolist())
    assert seen == set(range(8))


def test_episode_from_dataset_carries_the_rows():
    x = torch.arange(40, dtype=torch.float32).reshape(20, 2)
    dataset = ArrayDataset(x, np.repeat(np.arange(5), 4) * 7)
    episode = next(sample_episodes(dataset, ways=3, shots=2, queries=2, episodes=1, seed=0))
    assert isinstance(episode, Episode)
    assert (episode.ways, episode.shots, episode.queries) == (3, 2, 2)
    # every row's label (recovered from its value) matches the episode class it is labelled with
    for xs, ys in ((episode.support_x, episode.support_y), (episode.query_x, episode.query_y)):
        rows = (xs[:, 0] / 2).long().numpy()
        assert np.array_equal(dataset.labels[rows], np.array(episode.classes)[ys.numpy()])


def test_invalid_shapes_are_rejected():
    with pytest.raises(ValueError):
        EpisodeSampler(np.zeros(5), ways=0, shots=1, queries=1)
    with pytest.raises(ValueError):
        EpisodeSampler(np.zeros((2, 2)), ways=1, shots=1, queries=1)
