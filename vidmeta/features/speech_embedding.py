"""Speech embeddings: whisper encoder states, pooled to a fixed rate, when a whisper model is loaded.

The encoder sees fixed chunks (30 s for the released models: 2 x n_audio_ctx mel frames); each
chunk is padded like whisper pads it, and only the states covering real audio are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vidmeta.domain import CancelToken

SAMPLE_RATE = 16000
_MEL_HOP = 160  # whisper's mel hop (samples)
_STATES_PER_MEL = 0.5  # the encoder's stride-2 convolution halves the mel frame rate


@dataclass(frozen=True)
class EmbeddingTrack:
    """Encoder states averaged over consecutive cells of 1/rate seconds."""

    times: np.ndarray  # float64 [M] start of each cell, seconds
    vectors: np.ndarray  # float32 [M, d_model]
    model_id: str  # identifies the model that made them (dimensions and a digest of the weights)


def model_id(model) -> str:
    """A short identity for a whisper model: its dimensions and a digest of its parameters.

    Part of the cache key, so that embeddings of one checkpoint are never served for another.
    """
    h = hashlib.sha256(repr(sorted(vars(model.dims).items())).encode())
    for name, p in sorted(model.state_dict().items()):
        h.update(name.encode())
        flat = p.detach().reshape(-1)
        h.update(flat[:256].cpu().float().numpy().tobytes())  # a sample of each tensor: cheap, and
        h.update(np.float64(flat.float().sum().item()).tobytes())  # the sum catches the rest
    return h.hexdigest()[:16]


def whisper_embeddings(
    model,
    samples: np.ndarray,
    *,
    rate: float,
    cancel: CancelToken | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> EmbeddingTrack:
    """Encoder embeddings of 16 kHz mono `samples`, pooled to `rate` vectors per second."""
    import torch
    import whisper

    dims = model.dims
    mel_frames = 2 * dims.n_audio_ctx  # what the encoder's positional embedding expects
    chunk = mel_frames * _MEL_HOP
    device = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    state_seconds = _MEL_HOP / SAMPLE_RATE / _STATES_PER_MEL  # 20 ms for the released models
    states, starts = [], []
    total = max(len(samples), 1)
    with torch.inference_mode():
        for offset in range(0, total, chunk):
            if cancel is not None:
                cancel.raise_if_cancelled()
            piece = torch.from_numpy(np.ascontiguousarray(samples[offset : offset + chunk], dtype=np.float32))
            real = len(piece)
            mel = whisper.log_mel_spectrogram(piece, n_mels=dims.n_mels, padding=chunk - real)
            mel = whisper.pad_or_trim(mel, mel_frames).to(device=device, dtype=dtype)
            out = model.embed_audio(mel[None])[0].float().cpu().numpy()  # [n_audio_ctx, d]
            keep = min(len(out), int(np.ceil(real / _MEL_HOP * _STATES_PER_MEL)))
            states.append(out[:keep])
            starts.append(offset / SAMPLE_RATE + np.arange(keep) * state_seconds)
            if on_progress is not None:
                on_progress(min(1.0, (offset + chunk) / total))
    if not states:
        return EmbeddingTrack(np.zeros(0), np.zeros((0, dims.n_audio_state), np.float32), model_id(model))
    return pool_states(np.concatenate(starts), np.concatenate(states), rate=rate, mid=model_id(model))


def pool_states(times: np.ndarray, states: np.ndarray, *, rate: float, mid: str) -> EmbeddingTrack:
    """Average states into cells of 1/rate seconds (cells without states are left out)."""
    cell = np.floor(times * rate + 1e-9).astype(np.int64)
    ids, first = np.unique(cell, return_index=True)
    sums = np.add.reduceat(states.astype(np.float64), first, axis=0)
    counts = np.diff(np.append(first, len(cell)))[:, None]
    return EmbeddingTrack(times=ids / rate, vectors=(sums / counts).astype(np.float32), model_id=mid)
