"""Analysis windows over the timeline, and pooling of time series into them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WindowGrid:
    starts: np.ndarray  # float64 [W] seconds
    ends: np.ndarray  # float64 [W] seconds; the last window may be shorter than the others

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def centres(self) -> np.ndarray:
        return (self.starts + self.ends) / 2


def make_windows(*, duration: float, window: float, hop: float) -> WindowGrid:
    """Windows [k*hop, k*hop + window) covering [0, duration); at least one window."""
    count = max(1, math.ceil(max(0.0, duration - window) / hop - 1e-9) + 1)
    starts = np.arange(count, dtype=np.float64) * hop
    ends = np.minimum(starts + window, max(duration, starts[-1] + 1e-6))
    return WindowGrid(starts=starts, ends=ends)


def window_slices(times: np.ndarray, grid: WindowGrid) -> tuple[np.ndarray, np.ndarray]:
    """For sorted `times`, the index range [lo, hi) of the samples inside each window."""
    times = np.asarray(times, dtype=np.float64)
    return np.searchsorted(times, grid.starts, side="left"), np.searchsorted(times, grid.ends, side="left")


def pool_mean(times: np.ndarray, values: np.ndarray, grid: WindowGrid) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the samples in each window ([W, ...], zeros where empty) and the count per window."""
    values = np.asarray(values, dtype=np.float64)
    lo, hi = window_slices(times, grid)
    count = hi - lo
    shape = (-1,) + (1,) * (values.ndim - 1)
    mean = _window_sums(values, lo, hi) / np.maximum(count, 1).reshape(shape)
    return mean, count


def _window_sums(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sum of values[lo[w]:hi[w]] for every window.

    Sums the samples between consecutive window edges once (np.add.reduceat), then takes prefix
    sums over those blocks only: an hour of 100 Hz audio frames has 360,000 rows but only about
    15,000 edges, and a prefix sum over every row was most of the time of Suggest Labels.
    """
    n = len(values)
    out_shape = (len(lo),) + values.shape[1:]
    if n == 0:
        return np.zeros(out_shape)
    cuts = np.unique(np.concatenate([lo, hi, [0, n]]))
    cuts = cuts[cuts <= n]
    blocks = np.add.reduceat(values, cuts[:-1], axis=0)  # block k: values[cuts[k]:cuts[k + 1]]
    prefix = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(blocks, axis=0)])  # up to cuts[k]
    return prefix[np.searchsorted(cuts, hi)] - prefix[np.searchsorted(cuts, lo)]


def pool_mean_std(times: np.ndarray, values: np.ndarray, grid: WindowGrid) -> tuple[np.ndarray, np.ndarray]:
    """[W, 2*D]: mean then standard deviation of D-dim samples per window; and the counts."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    mean, count = pool_mean(times, values, grid)
    square, _ = pool_mean(times, values * values, grid)
    std = np.sqrt(np.clip(square - mean * mean, 0.0, None))
    return np.concatenate([mean, std], axis=1), count


def pool_max(times: np.ndarray, values: np.ndarray, grid: WindowGrid) -> np.ndarray:
    """Max of 1-D samples per window (0 where empty)."""
    values = np.asarray(values, dtype=np.float64)
    lo, hi = window_slices(times, grid)
    out = np.zeros(len(grid))
    for w in np.nonzero(hi > lo)[0]:
        out[w] = values[lo[w] : hi[w]].max()
    return out
