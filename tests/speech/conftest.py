"""A tiny randomly initialised whisper checkpoint, written once and loaded through the real path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_whisper_pt(tmp_path_factory) -> Path:
    torch = pytest.importorskip("torch")
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=2,
                           n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=2)
    path = tmp_path_factory.mktemp("whisper") / "tiny-random.pt"
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, path)
    return path


@pytest.fixture(scope="session")
def tiny_whisper(tiny_whisper_pt):
    from vidmeta.speech.models import checkpoint_source, load_whisper

    return load_whisper(checkpoint_source(str(tiny_whisper_pt), model_dir=tiny_whisper_pt.parent), device="cpu")
