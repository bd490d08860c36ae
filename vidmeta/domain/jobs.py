"""Progress reports and cancellation shared by every long-running job."""

from __future__ import annotations

import threading
from dataclasses import dataclass


class Cancelled(Exception):
    """Raised inside a job when its CancelToken was cancelled."""


@dataclass(frozen=True, slots=True)
class Progress:
    fraction: float  # 0..1 of the whole job
    stage: str  # short text shown to the user, e.g. "Decoding audio"
    detail: str = ""  # optional second line

    def within(self, start: float, end: float) -> "Progress":
        """Map this stage-local progress onto the slice [start, end] of a larger job."""
        return Progress(start + (end - start) * self.fraction, self.stage, self.detail)


class CancelToken:
    """Set by the UI thread, checked by the job between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
