"""Waveform peaks for drawing: the min and max sample in each of a number of equal time buckets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WaveformPeaks:
    minima: np.ndarray  # float32 [buckets], in [-1, 1]
    maxima: np.ndarray  # float32 [buckets], in [-1, 1]
    seconds_per_bucket: float

    def __len__(self) -> int:
        return len(self.minima)


def waveform_peaks(samples: np.ndarray, *, sample_rate: int, buckets_per_second: float = 100.0) -> WaveformPeaks:
    """Peaks of mono `samples`; the last bucket may be partial."""
    per_bucket = max(1, int(round(sample_rate / buckets_per_second)))
    n = len(samples)
    count = -(-n // per_bucket)  # ceil
    if count == 0:
        empty = np.zeros(0, dtype=np.float32)
        return WaveformPeaks(empty, empty, per_bucket / sample_rate)
    padded = np.empty(count * per_bucket, dtype=np.float32)
    padded[:n] = samples
    padded[n:] = samples[-1]  # repeat the last sample so padding cannot create a false peak
    frames = padded.reshape(count, per_bucket)
    return WaveformPeaks(frames.min(axis=1), frames.max(axis=1), per_bucket / sample_rate)
