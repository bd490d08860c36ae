"""Audio as float32 mono at a chosen rate (16 kHz for speech)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import numpy as np

from vidmeta.domain import MediaError
from vidmeta.media.probe import probe

log = logging.getLogger(__name__)


def load_audio(
    path: str | Path, *, sample_rate: int = 16000, start: float | None = None, end: float | None = None
) -> np.ndarray:
    """Decode the first audio stream, mixed to mono, resampled to `sample_rate`, in [-1, 1].

    Uses torchcodec; falls back to an ffmpeg subprocess when torchcodec cannot decode the file.
    """
    info = probe(path)
    if info.audio is None:
        raise MediaError(info.path, "has no audio stream (video only)")
    try:
        samples = _load_torchcodec(info.path, sample_rate, start, end)
    except Exception as exc:  # torchcodec raises RuntimeError/ValueError/ImportError/OSError alike
        log.warning("torchcodec audio failed on %s (%s); falling back to ffmpeg", info.path, exc)
        samples = _load_ffmpeg(info.path, sample_rate, start, end)
    # Lossy decoders (MP2, AAC) overshoot full scale after resampling; models expect [-1, 1].
    return np.clip(samples, -1.0, 1.0, out=samples)


def _load_torchcodec(path: Path, sample_rate: int, start: float | None, end: float | None) -> np.ndarray:
    from torchcodec.decoders import AudioDecoder

    decoder = AudioDecoder(str(path), sample_rate=sample_rate, num_channels=1)
    if start is None and end is None:
        samples = decoder.get_all_samples()
    else:
        samples = decoder.get_samples_played_in_range(start_seconds=start or 0.0, stop_seconds=end)
    return np.ascontiguousarray(samples.data[0].numpy(), dtype=np.float32)


def _load_ffmpeg(path: Path, sample_rate: int, start: float | None, end: float | None) -> np.ndarray:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise MediaError(path, "cannot decode audio: ffmpeg not found (apt install ffmpeg)")
    cmd = [exe, "-nostdin", "-v", "error"]
    if start:
        cmd += ["-ss", f"{start:.6f}"]
    cmd += ["-i", str(path)]
    if end is not None:
        cmd += ["-t", f"{end - (start or 0.0):.6f}"]
    cmd += ["-map", "0:a:0", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "-"]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MediaError(path, "cannot decode audio (" + (err[-1] if err else "ffmpeg failed") + ")")
    return np.frombuffer(proc.stdout, dtype=np.float32).copy()
