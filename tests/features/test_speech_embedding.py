"""Whisper encoder embeddings with a tiny randomly initialised model, loaded through the real path."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

from vidmeta.features.speech_embedding import model_id, pool_states, whisper_embeddings


def tiny_whisper(tmp_path, *, n_audio_ctx: int = 1500, seed: int = 0):
    """A 2-layer, 32-wide whisper saved as a checkpoint and loaded with whisper.load_model."""
    import torch
    import whisper
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(seed)
    dims = ModelDimensions(n_mels=80, n_audio_ctx=n_audio_ctx, n_audio_state=32, n_audio_head=2, n_audio_layer=2,
                           n_vocab=51865, n_text_ctx=32, n_text_state=32, n_text_head=2, n_text_layer=1)
    path = tmp_path / f"tiny-whisper-{seed}-{n_audio_ctx}.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": Whisper(dims).state_dict()}, path)
    return whisper.load_model(str(path), device="cpu")


def test_embeddings_pooled_to_the_requested_rate(tmp_path, speech_wav):
    from vidmeta.media import load_audio

    model = tiny_whisper(tmp_path)
    samples = load_audio(speech_wav, sample_rate=16000)
    track = whisper_embeddings(model, samples, rate=10.0)
    seconds = len(samples) / 16000
    assert track.vectors.shape[1] == 32
    assert len(track.times) == pytest.approx(seconds * 10, abs=2)  # only cells with real audio
    assert np.allclose(np.diff(track.times), 0.1)
    assert np.isfinite(track.vectors).all() and track.vectors.std() > 0


def test_long_audio_is_encoded_in_chunks_of_the_models_context(tmp_path):
    model = tiny_whisper(tmp_path, n_audio_ctx=100)  # 200 mel frames = 2 s chunks
    samples = np.random.default_rng(0).normal(0, 0.1, 16000 * 5).astype(np.float32)
    seen = []
    track = whisper_embeddings(model, samples, rate=5.0, on_progress=seen.append)
    assert len(seen) == 3 and seen[-1] == 1.0
    assert track.times[-1] == pytest.approx(4.8) and len(track.times) == 25


def test_model_identity_follows_the_weights(tmp_path):
    import whisper

    a = tiny_whisper(tmp_path, seed=0)
    same_file = whisper.load_model(str(tmp_path / "tiny-whisper-0-1500.pt"), device="cpu")
    assert model_id(a) == model_id(same_file)
    assert model_id(a) != model_id(tiny_whisper(tmp_path, seed=1))


def test_pool_states_averages_cells():
    times = np.array([0.0, 0.02, 0.04, 0.11, 0.31])
    states = np.array([[1.0], [2.0], [3.0], [10.0], [7.0]])
    track = pool_states(times, states, rate=10.0, mid="x")
    assert track.times.tolist() == pytest.approx([0.0, 0.1, 0.3])
    assert track.vectors[:, 0].tolist() == pytest.approx([2.0, 10.0, 7.0])


def test_extraction_with_a_whisper_model_fills_the_speech_modality(tmp_path, shared_data):
    from vidmeta.features import FeatureCache, extract_features
    from vidmeta.pipeline.jobs import run_job

    clip = shared_data / "grid" / "lbax4n.mpg"
    cache = FeatureCache(tmp_path / "cache")
    model = tiny_whisper(tmp_path)
    first = run_job(extract_features(clip, whisper_model=model, cache=cache))
    w = first.windows
    assert w.speech is not None and w.speech.shape == (len(w), 32) and w.present["speech"].all()
    bundle = w.bundle(2)
    assert bundle.speech is not None and bundle.present["speech"]
    again = run_job(extract_features(clip, whisper_model=model, cache=cache))
    assert "speech" in again.cached_parts and np.array_equal(again.windows.speech, w.speech)
    other = run_job(extract_features(clip, whisper_model=tiny_whisper(tmp_path, seed=3), cache=cache))
    assert "speech" not in other.cached_parts  # another model's embeddings are never reused
    assert {"audio", "vad", "visual", "lips"} <= other.cached_parts
    without = run_job(extract_features(clip, cache=cache))
    assert without.windows.speech is None and not without.windows.present["speech"].any()
