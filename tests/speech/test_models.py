"""Whisper checkpoints: local files, downloads (from a loopback server), clear errors offline."""

from __future__ import annotations

import hashlib
import http.server
import threading
from functools import partial

import pytest

from vidmeta.domain import CancelToken, Cancelled
from vidmeta.pipeline import run_job
from vidmeta.speech.models import (
    CheckpointSource, ModelError, checkpoint_source, ensure_checkpoint, load_model_job, load_whisper, resolve_device,
)


def test_local_checkpoint_loads(tiny_whisper_pt, tmp_path):
    model = run_job(load_model_job(str(tiny_whisper_pt), model_dir=tmp_path, device="cpu", cancel=CancelToken()))
    assert model.dims.n_text_state == 64 and next(model.parameters()).device.type == "cpu"


def test_official_name_resolves_into_model_dir(tmp_path):
    source = checkpoint_source("tiny", model_dir=tmp_path)
    assert source.path.parent == tmp_path and source.path.name == "tiny.pt"
    assert len(source.sha256) == 64 and source.alignment_heads


@pytest.mark.parametrize("name, reason", [("huge-v9", "unknown whisper model"), ("/no/such/model.pt", "no such")])
def test_unknown_model(name, reason, tmp_path):
    with pytest.raises(ModelError, match=reason):
        checkpoint_source(name, model_dir=tmp_path)


def test_not_a_checkpoint(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"this is not a torch file")
    with pytest.raises(ModelError, match="not a whisper checkpoint"):
        load_whisper(checkpoint_source(str(bad), model_dir=tmp_path), device="cpu")


def test_offline_download_gives_clear_error(tmp_path):
    # Port 9 on loopback refuses connections: what a machine without network meets, without waiting.
    source = CheckpointSource("tiny", tmp_path / "tiny.pt", "http://127.0.0.1:9/x/tiny.pt", "0" * 64, None)
    with pytest.raises(ModelError, match="cannot download whisper model 'tiny'.*offline") as info:
        run_job(ensure_checkpoint(source, cancel=CancelToken()))
    assert str(tmp_path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def served(tmp_path, tiny_whisper_pt):
    """The tiny checkpoint served over HTTP on loopback, as the real download address would."""
    root = tmp_path / "www"
    root.mkdir()
    data = tiny_whisper_pt.read_bytes()
    (root / "tiny.pt").write_bytes(data)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tiny.pt", hashlib.sha256(data).hexdigest()
    server.shutdown()


def test_download_verifies_and_reports_progress(served, tmp_path):
    url, sha = served
    target = tmp_path / "models" / "tiny.pt"
    seen = []
    path = run_job(ensure_checkpoint(CheckpointSource("tiny", target, url, sha, None), cancel=CancelToken()),
                   on_progress=seen.append)
    assert path == target and target.is_file()
    assert seen[-1].fraction == pytest.approx(1.0) and "Downloading" in seen[0].stage
    # A second call finds the verified file and downloads nothing.
    assert run_job(ensure_checkpoint(CheckpointSource("tiny", target, url, sha, None), cancel=CancelToken())) == target
    assert load_whisper(CheckpointSource("tiny", target, url, sha, None), device="cpu").dims.n_mels == 80


def test_download_wrong_checksum_leaves_nothing(served, tmp_path):
    url, _ = served
    target = tmp_path / "models" / "tiny.pt"
    with pytest.raises(ModelError, match="wrong checksum"):
        run_job(ensure_checkpoint(CheckpointSource("tiny", target, url, "f" * 64, None), cancel=CancelToken()))
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_download_cancel(served, tmp_path):
    url, sha = served
    token = CancelToken()
    token.cancel()
    job = ensure_checkpoint(CheckpointSource("tiny", tmp_path / "tiny.pt", url, sha, None), cancel=token)
    with pytest.raises(Cancelled):
        run_job(job)
    assert not (tmp_path / "tiny.pt").exists()


def test_device_choice():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") in ("cpu", "cuda")
    with pytest.raises(ModelError, match="unknown compute device"):
        resolve_device("tpu")
