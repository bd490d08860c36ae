"""The inference session: owns the compute device and the loaded models of one worker thread, so
that models stay loaded between jobs and the GPU is never shared by two jobs."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from vidmeta.domain import CancelToken, Progress


class InferenceSession:
    def __init__(self, *, device: str = "auto", model_dir: Path | None = None):
        self.device_preference = device
        self._model_dir = model_dir
        self._whisper: dict[tuple[str, str], object] = {}

    @property
    def model_dir(self) -> Path:
        from vidmeta.config import app_paths

        return self._model_dir or app_paths().model_dir

    @property
    def device(self) -> str:
        from vidmeta.speech.models import resolve_device

        return resolve_device(self.device_preference)

    def whisper(self, model: str, *, cancel: CancelToken) -> Generator[Progress, None, object]:
        """Job: the whisper model `model` on this session's device, loaded once and then reused."""
        from vidmeta.speech.models import load_model_job

        key = (model, self.device)
        if key not in self._whisper:
            self._whisper[key] = yield from load_model_job(model, model_dir=self.model_dir, device=key[1],
                                                           cancel=cancel)
        return self._whisper[key]

    def release(self) -> None:
        """Drop the loaded models (after a settings change, or to free GPU memory)."""
        self._whisper.clear()
