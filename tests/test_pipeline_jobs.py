"""Jobs as plain generators: progress, results and cancellation, without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from vidmeta.domain import CancelToken, Cancelled, Progress
from vidmeta.pipeline import run_job, thumbnails_job, waveform_job


def test_waveform_job_reports_progress_and_returns_peaks(numbered_video):
    seen: list[Progress] = []
    peaks = run_job(waveform_job(numbered_video, cancel=CancelToken()), on_progress=seen.append)
    assert [p.fraction for p in seen] == sorted(p.fraction for p in seen) and seen[-1].fraction == 1.0
    assert len(peaks) == pytest.approx(200, abs=3)  # 2 s at 100 buckets per second
    # ffmpeg's sine source has amplitude 1/8
    assert peaks.maxima[50:150] == pytest.approx(0.125, abs=0.01)
    assert peaks.minima[50:150] == pytest.approx(-0.125, abs=0.01)


def test_thumbnails_job_sorted_and_sized(numbered_video):
    thumbs = run_job(thumbnails_job(numbered_video, cancel=CancelToken(), times=[1.5, 0.0, 0.7], width=40))
    assert [round(p, 2) for p, _ in thumbs] == [0.0, 0.68, 1.48]
    assert all(img.shape == (30, 40, 3) and img.dtype == np.uint8 for _, img in thumbs)


def test_cancel_stops_a_job(numbered_video):
    token = CancelToken()
    job = thumbnails_job(numbered_video, cancel=token, times=[i / 10 for i in range(20)], batch=2)
    next(job)
    token.cancel()
    with pytest.raises(Cancelled):
        run_job(job)


def test_progress_within_maps_onto_slice():
    assert Progress(0.5, "x").within(0.2, 0.6).fraction == pytest.approx(0.4)
