"""Time ranges in seconds, taken from real presentation timestamps."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: float  # seconds, inclusive
    end: float  # seconds, exclusive; end >= start

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"TimeRange end {self.end} is before start {self.start}")

    @property
    def duration(self) -> float:
        return self.end - self.start

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    def overlap(self, other: "TimeRange") -> float:
        return max(0.0, min(self.end, other.end) - max(self.start, other.start))


def clock(t: float) -> str:
    """0:05 -> "00:05", 12:34, 1:02:03: a time as people and video sites write it (whole seconds)."""
    s = int(t)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"
