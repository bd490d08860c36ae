"""Synchrony statistics and the speaker decision, on signals whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from vidmeta.features.audio import VadTrack
from vidmeta.features.options import FeatureOptions
from vidmeta.features.speakers import av_speech_probability, choose_speakers, speech_regions
from vidmeta.features.sync import cross_fitted_cca, null_z, values_at, windowed_lag_corr


def test_lagged_correlation_finds_the_delay():
    rng = np.random.default_rng(1)
    x = rng.normal(size=400)
    y = np.roll(x, 3) + 0.1 * rng.normal(size=400)  # y lags x by 3 samples
    lo, hi = np.array([20, 200]), np.array([120, 300])
    r, lag = windowed_lag_corr(x, y, lo, hi, max_lag=5)
    assert lag.tolist() == [3, 3] and (r > 0.95).all()
    r0, _ = windowed_lag_corr(x, y, lo, hi, max_lag=1)  # the delay is outside the search
    assert (r0 < 0.5).all()
    both, _ = windowed_lag_corr(x, np.stack([y, rng.normal(size=400)]), lo, hi, max_lag=5)
    assert both.shape == (2, 2) and both[0].tolist() == pytest.approx(r.tolist())


def test_null_z_separates_related_from_unrelated_signals():
    rng = np.random.default_rng(2)
    n, fps = 750, 25.0
    x = np.convolve(rng.normal(size=n), np.ones(5) / 5, mode="same")
    related = x + 0.5 * rng.normal(size=n) * x.std()
    unrelated = np.convolve(rng.normal(size=n), np.ones(5) / 5, mode="same")
    centres = np.arange(50, n - 50, 25)
    lo, hi = centres - 25, centres + 25
    z_rel, _ = null_z(x, related, lo, hi, 5, fps)
    z_unrel, _ = null_z(x, unrelated, lo, hi, 5, fps)
    assert z_rel.mean() > 2.0 and abs(z_unrel.mean()) < 1.0


def test_cross_fitted_cca_recovers_a_shared_direction_and_not_noise():
    rng = np.random.default_rng(3)
    latent = rng.normal(size=600)
    lips = np.outer(latent, rng.normal(size=8)) + rng.normal(size=(600, 8))
    audio = np.outer(latent, rng.normal(size=8)) + rng.normal(size=(600, 8))
    assert cross_fitted_cca(lips[:300], audio[:300]) is None  # 150 frames a half: too few for 16 dims
    u, v = cross_fitted_cca(lips, audio)
    assert abs(np.corrcoef(u, v)[0, 1]) > 0.7
    u, v = cross_fitted_cca(rng.normal(size=(600, 8)), rng.normal(size=(600, 8)))
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.2  # held out, a mapping of noise finds nothing
    assert cross_fitted_cca(lips[:40], audio[:40]) is None  # too few frames for 16 dimensions


def test_values_at_averages_around_each_time():
    src_t = np.arange(100) * 0.01
    vals = np.arange(100, dtype=float)
    out = values_at(np.array([0.1, 0.5]), src_t, vals, 0.02)
    assert out.tolist() == pytest.approx([10.0, 50.0])


def test_viterbi_keeps_the_speaker_through_a_weak_window_and_switches_on_strong_evidence():
    evidence = np.array([[3, -1], [3, -1], [0.5, 0.0], [3, -1], [-1, 3], [-1, 3], [-1, 3]], dtype=float)
    speech = np.ones(7, dtype=bool)
    path = choose_speakers(evidence, speech, threshold=1.0, switch_penalty=3.0)
    assert path.tolist() == [0, 0, 0, 0, 1, 1, 1]
    quiet = choose_speakers(evidence, np.array([1, 1, 1, 0, 0, 1, 1], bool), threshold=1.0, switch_penalty=3.0)
    assert quiet[3] == -1 and quiet[4] == -1  # no speaker where no one speaks


def test_viterbi_says_nobody_when_no_face_is_in_sync_and_skips_absent_tracks():
    evidence = np.array([[0.2, np.nan], [-0.5, np.nan], [0.1, 5.0], [0.0, 5.0]])
    path = choose_speakers(evidence, np.ones(4, bool), threshold=1.0, switch_penalty=1.0)
    assert path.tolist() == [-1, -1, 1, 1]
    assert choose_speakers(np.zeros((3, 0)), np.ones(3, bool), threshold=1.0, switch_penalty=1.0).tolist() == [-1] * 3


def test_av_probability_moves_the_vad_by_the_lips():
    vad = np.array([0.5, 0.5, 0.5, 0.02])
    best = np.array([np.nan, 3.0, -2.0, 3.0])
    p = av_speech_probability(vad, best, threshold=1.0)
    assert p[0] == pytest.approx(0.5, abs=1e-6)  # no face: the audio alone
    assert p[1] > 0.85 and p[2] < 0.3
    assert p[3] < 0.5  # lips cannot make speech out of silence


def test_speech_regions_by_hysteresis_with_gaps_bridged_and_blips_dropped():
    prob = np.zeros(200, dtype=np.float32)
    prob[20:80] = 0.9
    prob[40:42] = 0.4  # a dip to 0.4 stays inside the region (hysteresis)
    prob[60:62] = 0.1  # a 64 ms gap is bridged (min_silence 0.15 s)
    prob[100:104] = 0.95  # a 128 ms blip is dropped (min_speech 0.25 s)
    prob[150:190] = 0.8
    vad = VadTrack(times=np.arange(200) * 0.032, probability=prob, frame=0.032)
    regions = speech_regions(vad, options=FeatureOptions())
    assert [(round(s, 3), round(e, 3)) for s, e, _ in regions] == [(0.64, 2.56), (4.8, 6.08)]
