"""Whisper checkpoints: by name (downloaded on first use into the model folder, checksum verified,
with progress and cancel) or a local .pt file the user picked. Loading is `weights_only`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from vidmeta.domain import CancelToken, Progress, VidmetaError

log = logging.getLogger(__name__)
_DOWNLOAD_TIMEOUT_S = 20
_BLOCK = 1 << 20


class ModelError(VidmetaError):
    """A model that cannot be found, fetched or loaded."""


@dataclass(frozen=True, slots=True)
class CheckpointSource:
    name: str  # the official name, or the file name of a local checkpoint
    path: Path  # where the checkpoint file is (or will be, once downloaded)
    url: str | None  # download address for official names; None for local files
    sha256: str | None  # expected checksum of a download
    alignment_heads: bytes | None  # cross-attention heads for word timing (official models only)


def resolve_device(preference: str = "auto") -> str:
    import torch

    if preference == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if preference == "cuda" and not torch.cuda.is_available():
        raise ModelError(None, "CUDA was chosen as the compute device, but torch sees no CUDA GPU")
    if preference not in ("cpu", "cuda"):
        raise ModelError(None, f"unknown compute device {preference!r} (use auto, cpu or cuda)")
    return preference


def available_model_names() -> list[str]:
    import whisper

    return list(whisper._MODELS)


def checkpoint_source(model: str, *, model_dir: Path) -> CheckpointSource:
    """Where the checkpoint for `model` (an official name or a path) is, or will be."""
    import whisper

    if model in whisper._MODELS:
        url = whisper._MODELS[model]
        return CheckpointSource(
            name=model,
            path=Path(model_dir) / os.path.basename(url),
            url=url,
            sha256=url.split("/")[-2],
            alignment_heads=whisper._ALIGNMENT_HEADS[model],
        )
    path = Path(model).expanduser()
    if path.is_file():
        return CheckpointSource(name=path.name, path=path, url=None, sha256=None, alignment_heads=None)
    if path.suffix == ".pt" or os.sep in model:
        raise ModelError(path, "no such whisper checkpoint file")
    raise ModelError(None, f"unknown whisper model {model!r}; known: {', '.join(available_model_names())}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def ensure_checkpoint(source: CheckpointSource, *, cancel: CancelToken) -> Generator[Progress, None, Path]:
    """Download an official checkpoint unless a verified copy is already in the model folder."""
    if source.url is None or (source.path.is_file() and _sha256(source.path) == source.sha256):
        return source.path
    source.path.parent.mkdir(parents=True, exist_ok=True)
    yield Progress(0.0, f"Downloading whisper {source.name}")
    try:
        response = urllib.request.urlopen(source.url, timeout=_DOWNLOAD_TIMEOUT_S)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(
            None,
            f"cannot download whisper model '{source.name}' ({reason}); are you offline? "
            f"Put {source.path.name} into {source.path.parent}, or choose a local checkpoint file",
        ) from None
    total = int(response.headers.get("Content-Length") or 0)
    fd, tmp_name = tempfile.mkstemp(prefix=source.path.name + ".", suffix=".part", dir=source.path.parent)
    tmp = Path(tmp_name)
    done = 0
    h = hashlib.sha256()
    try:
        with response, os.fdopen(fd, "wb") as out:
            while block := response.read(_BLOCK):
                cancel.raise_if_cancelled()
                out.write(block)
                h.update(block)
                done += len(block)
                if total:
                    yield Progress(done / total, f"Downloading whisper {source.name}",
                                   f"{done / 1e6:.0f} of {total / 1e6:.0f} MB")
        if h.hexdigest() != source.sha256:
            raise ModelError(source.path, "downloaded checkpoint has the wrong checksum; try again")
        os.replace(tmp, source.path)
    except (urllib.error.URLError, OSError) as exc:
        raise ModelError(None, f"download of whisper model '{source.name}' broke off ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return source.path


def load_whisper(source: CheckpointSource, *, device: str):
    """Load a checkpoint file into a whisper model on `device` (weights_only loading)."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    try:
        checkpoint = torch.load(source.path, map_location=device, weights_only=True)
        dims = ModelDimensions(**checkpoint["dims"])
        model = Whisper(dims)
        model.load_state_dict(checkpoint["model_state_dict"])
    except (KeyError, TypeError, RuntimeError, OSError, EOFError, ValueError) as exc:
        raise ModelError(source.path, f"not a whisper checkpoint ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # unpickling errors of weights_only loading have their own classes
        raise ModelError(source.path, f"not a whisper checkpoint ({type(exc).__name__})") from None
    if source.alignment_heads is not None:
        model.set_alignment_heads(source.alignment_heads)
    return model.to(device)


def load_model_job(model: str, *, model_dir: Path, device: str, cancel: CancelToken):
    """Job: resolve, download when needed, and load a whisper model."""
    source = checkpoint_source(model, model_dir=model_dir)
    path = yield from ensure_checkpoint(source, cancel=cancel)
    yield Progress(1.0, f"Loading whisper {source.name}")
    return load_whisper(CheckpointSource(source.name, path, source.url, source.sha256, source.alignment_heads),
                        device=device)
