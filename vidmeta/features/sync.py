"""Audio-visual synchrony: how well each face track's mouth agrees with the soundtrack, per window.

Three agreements are measured on the track's own frame clock, each as the best correlation over a
lag search of +-max_lag in a context of `sync_context` seconds around the window:
  - mouth activity (log mouth-motion energy, smoothed) with the audio log-energy envelope;
  - mouth activity with the VAD speech probability;
  - the first canonical pair of a CCA between lip features and log-mel bands. The CCA is fitted on
    one half of the track and applied to the other (cross-fitted), so a mapping that merely
    memorised noise cannot score.
Raw correlations are not comparable between faces (a lively face correlates with any speech), so
each is turned into a z-score against the same statistic with the audio circularly shifted by
0.6 s or more: the agreement a face would get with speech that is not its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidmeta.features.audio import AudioTrack, VadTrack
from vidmeta.features.lips import LipTrack
from vidmeta.features.windows import WindowGrid

ACTIVITY_SMOOTH_S = 0.3  # mouth activity is averaged over about one syllable
NULL_SHIFTS = 12  # circular shifts of the audio that make the "not your speech" distribution
MIN_SHIFT_S = 0.6  # shorter shifts would still overlap the true alignment's syllables
NULL_STD_FLOOR = 0.05  # keeps z finite when the shifted correlations are all alike
MIN_WINDOW_COVER = 0.5  # a track must be on screen for half a window to be judged in it
CCA_WEIGHT = 0.5  # the CCA term is noisier on short tracks than the activity terms
CCA_DIMS = 8  # lip PCA components and pooled mel bands entering the CCA
CCA_REGULARISATION = 0.3  # ridge on both covariances, as a fraction of their mean variance
# Frames per CCA dimension each half needs (16 dims: 160 frames, 6.4 s at 25 fps). With 4 per dim the
# held-out canonical correlation of 5-7 s clips was mostly noise and flipped decisions both ways.
CCA_FRAMES_PER_DIM = 10
_EPS = 1e-3


@dataclass(frozen=True)
class TrackSync:
    """Synchrony evidence of one face track in every window."""

    track_id: int
    evidence: np.ndarray  # float32 [W] combined z-score; NaN where the track is not on screen
    envelope_z: np.ndarray  # float32 [W] z of activity vs audio envelope
    vad_z: np.ndarray  # float32 [W] z of activity vs VAD
    cca_z: np.ndarray  # float32 [W] z of the cross-fitted canonical pair
    best_lag: np.ndarray  # float32 [W] seconds of audio delay that best matched the envelope


def values_at(times: np.ndarray, src_times: np.ndarray, values: np.ndarray, half_width: float) -> np.ndarray:
    """Mean of `values` (sampled at sorted src_times) within +-half_width of each time."""
    values = np.asarray(values, dtype=np.float64)
    lo = np.searchsorted(src_times, times - half_width, side="left")
    hi = np.searchsorted(src_times, times + half_width, side="right")
    csum = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0)])
    count = np.maximum(hi - lo, 1).reshape((-1,) + (1,) * (values.ndim - 1))
    out = (csum[hi] - csum[lo]) / count
    empty = hi <= lo
    if empty.any():  # past the end of the audio: nearest sample
        nearest = np.clip(np.searchsorted(src_times, times[empty]), 0, len(values) - 1)
        out[empty] = values[nearest]
    return out


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    if width <= 1 or len(x) == 0:
        return x
    padded = np.pad(x, (width // 2, width - 1 - width // 2), mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def _window_sums(a: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sum of a[..., lo:hi] per window, along the last axis."""
    c = np.concatenate([np.zeros(a.shape[:-1] + (1,)), np.cumsum(a, axis=-1)], axis=-1)
    return c[..., hi] - c[..., lo]


def windowed_lag_corr(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, max_lag: int):
    """Best Pearson correlation of x[lo:hi] with y shifted by -max_lag..max_lag, per window.

    y may be [n] or [S, n] (several audio series against the same x). Returns the best correlation
    and the best lag in samples, each [W] (or [S, W]). Running sums make it one pass per lag, so
    hours of video cost seconds.
    """
    single = y.ndim == 1
    ys2 = y[None, :] if single else y
    n = len(x)
    best = np.full((len(ys2), len(lo)), -1.0)
    best_lag = np.zeros((len(ys2), len(lo)), dtype=np.int64)
    idx = np.arange(n)
    for lag in range(-max_lag, max_lag + 1):
        src = idx + lag
        valid = (src >= 0) & (src < n)
        xs = np.where(valid, x, 0.0)
        ys = np.where(valid, ys2[:, np.clip(src, 0, n - 1)], 0.0)
        cnt, sx, sxx = (_window_sums(a, lo, hi) for a in (valid.astype(np.float64), xs, xs * xs))
        sy, syy, sxy = (_window_sums(a, lo, hi) for a in (ys, ys * ys, xs * ys))
        vx = cnt * sxx - sx * sx
        vy = cnt * syy - sy * sy
        ok = (cnt >= 5) & (vx > 1e-12) & (vy > 1e-12)
        r = np.where(ok, (cnt * sxy - sx * sy) / np.sqrt(np.where(ok, vx * vy, 1.0)), -1.0)
        better = r > best
        best = np.where(better, r, best)
        best_lag = np.where(better, lag, best_lag)
    return (best[0], best_lag[0]) if single else (best, best_lag)


def null_z(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, max_lag: int, fps: float):
    """z-score of the lagged correlation against circularly shifted y; and the best lags."""
    n = len(y)
    min_shift = int(np.ceil(MIN_SHIFT_S * fps))
    if n - 2 * min_shift < NULL_SHIFTS:
        _, lags = windowed_lag_corr(x, y, lo, hi, max_lag)
        return np.zeros(len(lo)), lags  # too short to know what chance agreement looks like
    shifts = np.linspace(min_shift, n - min_shift, NULL_SHIFTS).astype(int)
    series = np.stack([y] + [np.roll(y, s) for s in shifts])
    corr, lags = windowed_lag_corr(x, series, lo, hi, max_lag)
    null = corr[1:]
    z = (corr[0] - null.mean(axis=0)) / np.maximum(null.std(axis=0), NULL_STD_FLOOR)
    return z, lags[0]


def cca_first_pair(x: np.ndarray, y: np.ndarray, *, regularisation: float):
    """Means and weight vectors of the first canonical pair of x [n, p] and y [n, q]."""
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc, yc = x - mx, y - my
    n = len(x)
    cxx = xc.T @ xc / n
    cyy = yc.T @ yc / n
    cxx += regularisation * np.trace(cxx) / len(cxx) * np.eye(len(cxx)) + 1e-9 * np.eye(len(cxx))
    cyy += regularisation * np.trace(cyy) / len(cyy) * np.eye(len(cyy)) + 1e-9 * np.eye(len(cyy))
    lx_inv = np.linalg.inv(np.linalg.cholesky(cxx))
    ly_inv = np.linalg.inv(np.linalg.cholesky(cyy))
    u, _, vt = np.linalg.svd(lx_inv @ (xc.T @ yc / n) @ ly_inv.T)
    return mx, my, lx_inv.T @ u[:, 0], ly_inv.T @ vt[0]


def cross_fitted_cca(lip_x: np.ndarray, audio_y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Canonical variates (u, v) of each half from the CCA fitted on the other half."""
    n = len(lip_x)
    half = n // 2
    if half < CCA_FRAMES_PER_DIM * (lip_x.shape[1] + audio_y.shape[1]):
        return None  # too few frames for a mapping of this size to mean anything
    u = np.zeros(n)
    v = np.zeros(n)
    for fit, apply in ((slice(0, half), slice(half, n)), (slice(half, n), slice(0, half))):
        mx, my, wx, wy = cca_first_pair(lip_x[fit], audio_y[fit], regularisation=CCA_REGULARISATION)
        u[apply] = (lip_x[apply] - mx) @ wx
        v[apply] = (audio_y[apply] - my) @ wy
    return u, v


def lip_components(lip: LipTrack, dims: int) -> np.ndarray:
    """Principal components of the lip features (DCT and log motion), standardised."""
    x = np.concatenate([lip.dct.astype(np.float64), np.log(lip.motion[:, None] + _EPS)], axis=1)
    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-9)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    return x @ vt[:dims].T


def mel_bands(log_mel: np.ndarray, bands: int) -> np.ndarray:
    """log-mel pooled into `bands` contiguous groups."""
    groups = np.array_split(np.arange(log_mel.shape[1]), bands)
    return np.stack([log_mel[:, g].mean(axis=1) for g in groups], axis=1)


def track_sync(
    lip: LipTrack,
    *,
    audio: AudioTrack,
    vad: VadTrack,
    grid: WindowGrid,
    max_lag: float,
    context: float,
) -> TrackSync:
    """Synchrony evidence of one track in each window of `grid`."""
    w = len(grid)
    nan = np.full(w, np.nan, dtype=np.float32)
    t = lip.times
    if len(t) < 8:
        return TrackSync(lip.track_id, nan, nan, nan, nan, nan)
    dt = float(np.median(np.diff(t)))
    fps = 1.0 / dt
    activity = moving_average(np.log(lip.motion.astype(np.float64) + _EPS), int(round(ACTIVITY_SMOOTH_S * fps)))
    envelope = values_at(t, audio.times, audio.log_energy, dt / 2)
    speech = values_at(t, vad.times + vad.frame / 2, vad.probability, max(dt / 2, vad.frame / 2))
    centres = grid.centres
    lo = np.searchsorted(t, centres - context / 2)
    hi = np.searchsorted(t, centres + context / 2)
    lag = int(round(max_lag * fps))
    env_z, env_lag = null_z(activity, envelope, lo, hi, lag, fps)
    vad_z, _ = null_z(activity, speech, lo, hi, lag, fps)
    pair = cross_fitted_cca(lip_components(lip, CCA_DIMS), mel_bands(values_at(t, audio.times, audio.log_mel, dt / 2), CCA_DIMS))
    cca_z = np.zeros(w) if pair is None else null_z(pair[0], pair[1], lo, hi, lag, fps)[0]
    evidence = (env_z + vad_z) / 2 + CCA_WEIGHT * cca_z
    on_screen = _cover(t, dt, grid) >= MIN_WINDOW_COVER
    mask = lambda a: np.where(on_screen, a, np.nan).astype(np.float32)  # noqa: E731
    return TrackSync(lip.track_id, mask(evidence), mask(env_z), mask(vad_z), mask(cca_z), mask(env_lag * dt))


def _cover(times: np.ndarray, dt: float, grid: WindowGrid) -> np.ndarray:
    """Fraction of each window during which the track is on screen."""
    lo = np.searchsorted(times, grid.starts)
    hi = np.searchsorted(times, grid.ends)
    return np.clip((hi - lo) * dt / np.maximum(grid.ends - grid.starts, 1e-9), 0.0, 1.0)
