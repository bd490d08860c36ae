"""Real frame times for stepping and for the frame counter: no Qt, no assumed frame rate."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from fractions import Fraction


class FrameClock:
    """The sorted presentation times of a video's frames, and lookups between times and indices.

    `exact` is False while the times are derived from a constant rate (probe) and True once they
    come from the container's packets.
    """

    def __init__(self, times: Sequence[float], *, end: float, exact: bool):
        if not times:
            raise ValueError("a frame clock needs at least one frame")
        self._times = [float(t) for t in times]
        self.end = max(float(end), self._times[-1])  # seconds: end of the last frame
        self.exact = exact

    @classmethod
    def from_rate(cls, *, start: float, rate: Fraction, duration: float, count: int | None = None) -> "FrameClock":
        """Times start + i / rate: only for streams whose probe reports a constant rate."""
        if rate <= 0:
            raise ValueError("frame rate must be positive")
        end = start + duration
        n = count if count else max(1, int(round(duration * rate)))
        # Fraction arithmetic so that e.g. 30000/1001 fps does not drift over long files.
        times = [float(start + Fraction(i) / rate) for i in range(n)]
        return cls([t for t in times if t < end] or [start], end=end, exact=False)

    def __len__(self) -> int:
        return len(self._times)

    @property
    def times(self) -> list[float]:
        return list(self._times)

    def time_of(self, index: int) -> float:
        return self._times[max(0, min(index, len(self._times) - 1))]

    def index_at(self, t: float) -> int:
        """The frame on screen at time t: the last one whose PTS <= t (the first before it)."""
        # A small tolerance: a position in whole milliseconds must land on the frame it names.
        i = bisect.bisect_right(self._times, t + 5e-4) - 1
        return max(0, min(i, len(self._times) - 1))

    def frame_end(self, index: int) -> float:
        index = max(0, min(index, len(self._times) - 1))
        return self._times[index + 1] if index + 1 < len(self._times) else self.end

    def middle_of(self, index: int) -> float:
        """A time safely inside the frame's display interval, for seeking a decoder onto it."""
        index = max(0, min(index, len(self._times) - 1))
        start = self._times[index]
        return start + (self.frame_end(index) - start) / 2

    def step(self, t: float, frames: int) -> float:
        """The PTS `frames` frames after (or before, when negative) the frame on screen at t."""
        return self.time_of(self.index_at(t) + frames)

    def snap(self, t: float) -> float:
        return self.time_of(self.index_at(t))
