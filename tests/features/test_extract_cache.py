"""Extraction end to end: the per-window bundle, the cache (hits, partial recomputation, moved
files, damaged entries), cancel, progress, and files without audio or video."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from vidmeta.domain import CancelToken, Cancelled
from vidmeta.features import MODALITIES, FeatureCache, FeatureOptions, extract_features
from vidmeta.pipeline.jobs import run_job

ALL_PARTS = {"visual", "faces", "lips", "audio", "vad"}


@pytest.fixture
def grid_clip(shared_data, tmp_path):
    copy = tmp_path / "lbax4n.mpg"
    shutil.copy(shared_data / "grid" / "lbax4n.mpg", copy)
    return copy


def extract(path, cache, **options):
    progress = []
    result = run_job(extract_features(path, options=FeatureOptions(**options), cache=cache), on_progress=progress.append)
    return result, progress


def test_bundle_per_window_with_presence(grid_clip, tmp_path):
    features, progress = extract(grid_clip, FeatureCache(tmp_path / "c"))
    w = features.windows
    assert len(w) == len(features.speakers.grid) == 5  # 3 s, 1 s windows every 0.5 s
    assert all(w.present[m].all() for m in ("visual", "audio", "lips")) and not w.present["speech"].any()
    bundle = w.bundle(1)
    assert (bundle.start, bundle.end) == (0.5, 1.5)
    assert set(bundle.present) == set(MODALITIES) and bundle.speech is None
    assert bundle.visual.shape == (8 * 4 * 4 + 4 * 4 * 8 + 2,) and bundle.audio.shape == (2 * 64 + 2 + 2,)
    assert list(bundle.lips) == [features.faces[0].id] and bundle.lips[0].shape == (2 * 23 + 2,)
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    lip = features.lips[0]
    assert np.array_equal(lip.times, features.faces[0].times)  # lips at every frame of the track
    assert np.allclose(np.diff(lip.times), 0.04, atol=1e-4)  # 25 fps, from the real PTS


def test_cache_hit_returns_the_same_features(grid_clip, tmp_path):
    cache = FeatureCache(tmp_path / "c")
    cold, _ = extract(grid_clip, cache)
    assert cold.cached_parts == frozenset()
    warm, _ = extract(grid_clip, cache)
    assert warm.cached_parts == ALL_PARTS | {"speakers"}
    assert np.array_equal(warm.windows.visual, cold.windows.visual)
    assert np.array_equal(warm.windows.lips[0], cold.windows.lips[0])
    assert np.array_equal(warm.speakers.active_track, cold.speakers.active_track)
    assert [r.start for r in warm.speakers.regions] == [r.start for r in cold.speakers.regions]
    assert np.array_equal(warm.faces[0].boxes, cold.faces[0].boxes)


def test_a_moved_copy_hits_the_cache(grid_clip, tmp_path):
    cache = FeatureCache(tmp_path / "c")
    extract(grid_clip, cache)
    moved = tmp_path / "elsewhere" / "renamed.mpg"
    moved.parent.mkdir()
    shutil.move(grid_clip, moved)
    assert extract(moved, cache)[0].cached_parts >= ALL_PARTS


@pytest.mark.parametrize(
    "change, recomputed",
    [
        ({"dct_size": (3, 5)}, {"lips"}),
        ({"n_mels": 40}, {"audio"}),
        ({"visual_rate": 2.0}, {"visual"}),
        ({"detect_every": 3}, {"faces", "lips"}),
        ({"window": 2.0, "hop": 1.0}, set()),
    ],
)
def test_a_parameter_change_recomputes_only_what_depends_on_it(grid_clip, tmp_path, change, recomputed):
    cache = FeatureCache(tmp_path / "c")
    base, _ = extract(grid_clip, cache)
    changed, _ = extract(grid_clip, cache, **change)
    assert ALL_PARTS - changed.cached_parts == recomputed
    speakers_inputs_changed = bool(recomputed & {"lips", "audio", "vad"}) or "window" in change
    assert ("speakers" in changed.cached_parts) == (not speakers_inputs_changed)
    if "dct_size" in change:  # lips re-measured on the cached face boxes: same frames, new width
        assert changed.lips[0].dct.shape[1] == 3 * 5 - 1
        assert np.array_equal(changed.lips[0].times, base.lips[0].times)
        assert np.corrcoef(changed.lips[0].motion, base.lips[0].motion)[0, 1] > 0.99
    if "window" in change:
        assert len(changed.windows) == 2


def test_a_damaged_cache_entry_is_recomputed(grid_clip, tmp_path):
    cache = FeatureCache(tmp_path / "c")
    cold, _ = extract(grid_clip, cache)
    for entry in cache.entries(cold.fingerprint):
        if entry.name.startswith("visual-"):
            entry.write_bytes(b"garbage")
    again, _ = extract(grid_clip, cache)
    assert "visual" not in again.cached_parts and np.array_equal(again.windows.visual, cold.windows.visual)


def test_cancel_stops_extraction_and_caches_nothing_half_done(grid_clip, tmp_path):
    cache = FeatureCache(tmp_path / "c")
    cancel = CancelToken()
    job = extract_features(grid_clip, cancel=cancel, cache=cache)
    next(job)
    next(job)
    cancel.cancel()
    with pytest.raises(Cancelled):
        for _ in job:
            pass
    assert not any(p.name.startswith(("lips-", "visual-", "audio-")) for p in cache.root.rglob("*.npz"))


def test_audio_only_file(audio_only, tmp_path):
    features, _ = extract(audio_only, FeatureCache(tmp_path / "c"))
    assert features.visual is None and features.faces == () and features.audio is not None
    assert features.windows.present["audio"].all() and not features.windows.present["visual"].any()
    assert (features.speakers.active_track < 0).all()


def test_silent_video(video_only, tmp_path):
    features, _ = extract(video_only, FeatureCache(tmp_path / "c"))
    assert features.audio is None and features.vad is None and features.visual is not None
    assert features.speakers.regions == () and not features.windows.present["audio"].any()


def test_use_cache_false_writes_nothing(grid_clip, tmp_path, vidmeta_home):
    run_job(extract_features(grid_clip, use_cache=False))
    assert not list(vidmeta_home.rglob("*.npz"))
    run_job(extract_features(grid_clip))  # the default cache lives under the app's cache folder
    assert list((vidmeta_home / "cache" / "features").rglob("*.npz"))
