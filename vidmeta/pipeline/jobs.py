"""Job protocol and the media jobs every view needs (waveform peaks, thumbnails)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from vidmeta.domain import CancelToken, Progress
from vidmeta.media import WaveformPeaks, load_audio, open_frames, waveform_peaks
from vidmeta.media.thumbnails import thumbnails

T = TypeVar("T")
Job = Generator[Progress, None, T]

_PEAKS_RATE = 8000  # Hz: enough for a drawn waveform, a fraction of the decode cost of 16 kHz


def run_job(job: Job[T], *, on_progress: Callable[[Progress], None] | None = None) -> T:
    """Drive a job to its end in this thread and return its result."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(progress)


def scaled(job: Job[T], start: float, end: float) -> Job[T]:
    """Run a sub-job as the slice [start, end] of a larger job's progress: `x = yield from scaled(...)`."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        yield progress.within(start, end)


def waveform_job(path: str | Path, *, cancel: CancelToken, buckets_per_second: float = 100.0) -> Job[WaveformPeaks]:
    yield Progress(0.0, "Decoding audio")
    samples = load_audio(path, sample_rate=_PEAKS_RATE)
    cancel.raise_if_cancelled()
    yield Progress(0.8, "Computing waveform")
    peaks = waveform_peaks(samples, sample_rate=_PEAKS_RATE, buckets_per_second=buckets_per_second)
    yield Progress(1.0, "Waveform ready")
    return peaks


def thumbnails_job(
    path: str | Path, *, cancel: CancelToken, times: Sequence[float], width: int = 160, batch: int = 8
) -> Job[list[tuple[float, np.ndarray]]]:
    """Thumbnails at the given times, decoded in sorted batches so that cancel is checked often."""
    out: list[tuple[float, np.ndarray]] = []
    ordered = sorted(times)
    with open_frames(path) as reader:
        for i in range(0, len(ordered), batch):
            cancel.raise_if_cancelled()
            out.extend(thumbnails(reader, ordered[i : i + batch], width=width))
            yield Progress(min(1.0, (i + batch) / max(1, len(ordered))), "Thumbnails", f"{len(out)}/{len(ordered)}")
    return out
