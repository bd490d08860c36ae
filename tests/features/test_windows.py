"""Analysis windows and pooling of time series into them."""

from __future__ import annotations

import numpy as np
import pytest

from vidmeta.features.windows import make_windows, pool_max, pool_mean, pool_mean_std


def test_windows_cover_the_duration_with_the_given_hop():
    grid = make_windows(duration=5.0, window=1.0, hop=0.5)
    assert grid.starts.tolist() == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0])
    assert np.all(grid.ends - grid.starts == pytest.approx(1.0))
    assert grid.ends[-1] == pytest.approx(5.0)


def test_last_window_is_cut_at_the_end_and_short_media_get_one_window():
    grid = make_windows(duration=2.2, window=1.0, hop=0.5)
    assert grid.ends[-1] == pytest.approx(2.2)
    assert grid.starts[-1] < 2.2 and grid.ends[-1] - grid.starts[-1] <= 1.0
    short = make_windows(duration=0.3, window=1.0, hop=0.5)
    assert len(short) == 1 and short.ends[0] == pytest.approx(0.3)


def test_pool_mean_std_and_max_per_window():
    grid = make_windows(duration=2.0, window=1.0, hop=1.0)
    times = np.array([0.1, 0.5, 0.9, 1.2, 1.8])
    values = np.array([1.0, 2.0, 3.0, 10.0, 20.0])
    mean, count = pool_mean(times, values, grid)
    assert mean.tolist() == pytest.approx([2.0, 15.0]) and count.tolist() == [3, 2]
    stats, _ = pool_mean_std(times, values, grid)
    assert stats[:, 1].tolist() == pytest.approx([np.std([1, 2, 3]), 5.0])
    assert pool_max(times, values, grid).tolist() == [3.0, 20.0]


def test_empty_windows_pool_to_zero_with_zero_count():
    grid = make_windows(duration=3.0, window=1.0, hop=1.0)
    mean, count = pool_mean(np.array([0.5]), np.array([[4.0, 5.0]]), grid)
    assert count.tolist() == [1, 0, 0]
    assert mean[1:].tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_pooled_means_equal_the_plain_mean_of_each_window():
    """Block sums between window edges give the same means as averaging each window's samples."""
    from vidmeta.features.windows import make_windows, pool_mean, window_slices

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(0, 50))
        times = np.sort(rng.uniform(0, 10, n))
        values = rng.normal(size=(n, 3))
        grid = make_windows(duration=float(rng.uniform(0.1, 12)), window=float(rng.uniform(0.2, 3)),
                            hop=float(rng.uniform(0.1, 2)))
        mean, count = pool_mean(times, values, grid)
        lo, hi = window_slices(times, grid)
        expected = np.array([values[a:b].mean(0) if b > a else np.zeros(3) for a, b in zip(lo, hi)])
        np.testing.assert_allclose(mean, expected.reshape(len(grid), 3), atol=1e-12)
        np.testing.assert_array_equal(count, hi - lo)
