"""Mapping between seconds and pixels for the timeline: zoom, scroll and ruler ticks (no Qt)."""

from __future__ import annotations

MAX_PIXELS_PER_SECOND = 4000.0  # a 25 fps frame is 160 px wide: enough to edit single frames
# Labelled tick steps (seconds) and how many minor ticks divide each.
_TICK_STEPS = {0.001: 5, 0.002: 4, 0.005: 5, 0.01: 5, 0.02: 4, 0.04: 4, 0.1: 5, 0.2: 4, 0.5: 5, 1: 5, 2: 4,
               5: 5, 10: 5, 15: 3, 30: 3, 60: 4, 120: 4, 300: 5, 600: 5, 900: 3, 1800: 3, 3600: 4, 7200: 4}
_MIN_TICK_GAP_PX = 90  # between labelled ticks


class TimeScale:
    def __init__(self) -> None:
        self.duration = 0.0
        self.width = 1  # visible pixels
        self.pixels_per_second = 50.0
        self.offset = 0.0  # seconds at the left edge

    def x_of(self, t: float) -> float:
        return (t - self.offset) * self.pixels_per_second

    def t_of(self, x: float) -> float:
        return self.offset + x / self.pixels_per_second

    @property
    def visible_seconds(self) -> float:
        return self.width / self.pixels_per_second

    @property
    def min_pixels_per_second(self) -> float:
        return self.width / self.duration if self.duration > 0 else 1.0

    @property
    def max_offset(self) -> float:
        return max(0.0, self.duration - self.visible_seconds)

    def set_duration(self, duration: float) -> None:
        self.duration = max(0.0, duration)
        self.fit()

    def set_width(self, width: int) -> None:
        fitted = abs(self.pixels_per_second - self.min_pixels_per_second) < 1e-9
        self.width = max(1, width)
        if fitted or self.pixels_per_second < self.min_pixels_per_second:
            self.fit()
        self.set_offset(self.offset)

    def set_offset(self, offset: float) -> None:
        self.offset = min(max(0.0, offset), self.max_offset)

    def fit(self) -> None:
        self.pixels_per_second = self.min_pixels_per_second
        self.offset = 0.0

    def zoom(self, factor: float, anchor_x: float) -> None:
        """Zoom keeping the time under anchor_x where it is on screen."""
        anchor_t = self.t_of(anchor_x)
        pps = self.pixels_per_second * factor
        self.pixels_per_second = min(max(pps, self.min_pixels_per_second), MAX_PIXELS_PER_SECOND)
        self.set_offset(anchor_t - anchor_x / self.pixels_per_second)

    def ensure_visible(self, t: float, margin: float = 0.1) -> bool:
        """Scroll by a page when t is off screen (or within margin of the right edge); True if moved."""
        left, right = self.offset, self.offset + self.visible_seconds
        if left <= t <= right - self.visible_seconds * margin:
            return False
        self.set_offset(t - self.visible_seconds * margin)
        return True

    def ticks(self) -> tuple[float, float]:
        """(major, minor) tick steps in seconds for the current zoom."""
        steps = list(_TICK_STEPS)
        major = next((s for s in steps if s * self.pixels_per_second >= _MIN_TICK_GAP_PX), steps[-1])
        return major, major / _TICK_STEPS[major]


def format_time(t: float, *, step: float = 0.001) -> str:
    """h:mm:ss.mmm trimmed to what the step needs: 1:02, 0:05.5, 0:00.040."""
    t = max(0.0, t)
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2 if step >= 0.01 else 3
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    sec = f"{s:0{3 + decimals if decimals else 2}.{decimals}f}"
    if sec.startswith("60"):
        sec = f"{59.999:0{3 + decimals}.{decimals}f}" if decimals else "59"
    return f"{int(h)}:{int(m):02d}:{sec}" if h else f"{int(m)}:{sec}"
