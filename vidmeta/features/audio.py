"""Audio features: log-mel frames (torchaudio) and silero-vad speech probability.

Both are kept as time series (10 ms mel frames, 32 ms VAD frames) so that a change of the window
length or hop only re-pools them; nothing here knows about windows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from vidmeta.domain import CancelToken

SAMPLE_RATE = 16000  # Hz: what silero-vad and whisper expect
MEL_HOP = 160  # samples: 10 ms mel frames
MEL_FFT = 400  # samples: 25 ms analysis window
VAD_CHUNK = 512  # samples: silero-vad's native frame at 16 kHz (32 ms)
_VAD_BLOCK_S = 60.0  # seconds of audio per VAD call, so that cancel is honoured within a block

_vad_lock = threading.Lock()
_vad_model = None


@dataclass(frozen=True)
class AudioTrack:
    """Log-mel analysis of the whole soundtrack."""

    times: np.ndarray  # float64 [T] centre of each 10 ms frame, seconds
    log_mel: np.ndarray  # float32 [T, n_mels] log10 of mel-band power
    log_energy: np.ndarray  # float32 [T] log10 of the total power of the frame
    duration: float  # seconds of audio


@dataclass(frozen=True)
class VadTrack:
    """silero-vad speech probability, one value per 32 ms frame."""

    times: np.ndarray  # float64 [V] start of each frame, seconds
    probability: np.ndarray  # float32 [V] in 0..1
    frame: float  # seconds per frame

    def at(self, times: np.ndarray) -> np.ndarray:
        """Probability of the frame containing each time (0 outside the audio)."""
        i = np.floor(np.asarray(times, dtype=np.float64) / self.frame).astype(np.int64)
        inside = (i >= 0) & (i < len(self.probability))
        out = np.zeros(len(i), dtype=np.float32)
        out[inside] = self.probability[i[inside]]
        return out


def log_mel(samples: np.ndarray, *, n_mels: int) -> AudioTrack:
    """Log-mel and log-energy frames of 16 kHz mono samples."""
    import torch
    import torchaudio

    x = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=SAMPLE_RATE, n_fft=MEL_FFT, win_length=MEL_FFT, hop_length=MEL_HOP, n_mels=n_mels,
        power=2.0, center=True,
    )(x).T  # [T, n_mels]
    power = mel.clamp_min(1e-10)
    return AudioTrack(
        times=np.arange(power.shape[0], dtype=np.float64) * (MEL_HOP / SAMPLE_RATE),
        log_mel=power.log10().numpy().astype(np.float32),
        log_energy=power.sum(dim=1).log10().numpy().astype(np.float32),
        duration=len(samples) / SAMPLE_RATE,
    )


def _silero():
    """The silero-vad model, loaded once from the weights inside its wheel (no download)."""
    global _vad_model
    with _vad_lock:
        if _vad_model is None:
            import torch

            threads = torch.get_num_threads()
            from silero_vad import load_silero_vad  # its import sets torch to one thread: undo that

            torch.set_num_threads(threads)
            _vad_model = load_silero_vad()
        return _vad_model


def speech_probability(samples: np.ndarray, *, cancel: CancelToken | None = None) -> VadTrack:
    """silero-vad over 16 kHz mono samples, in blocks so that `cancel` is checked often."""
    import torch

    model = _silero()
    block = int(_VAD_BLOCK_S * SAMPLE_RATE) // VAD_CHUNK * VAD_CHUNK
    parts = []
    x = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))
    with _vad_lock, torch.inference_mode():  # the model keeps state between calls: one caller at a time
        for start in range(0, max(len(x), 1), block):
            if cancel is not None:
                cancel.raise_if_cancelled()
            piece = x[start : start + block]
            if len(piece) < VAD_CHUNK:
                piece = torch.nn.functional.pad(piece, (0, VAD_CHUNK - len(piece)))
            parts.append(model.audio_forward(piece, SAMPLE_RATE)[0].numpy())
    prob = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, dtype=np.float32)
    frames = int(np.ceil(len(samples) / VAD_CHUNK))
    prob = prob[:frames]
    frame = VAD_CHUNK / SAMPLE_RATE
    return VadTrack(times=np.arange(len(prob), dtype=np.float64) * frame, probability=prob, frame=frame)
