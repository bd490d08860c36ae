"""The state of one mouse drag on the timeline, and the segment it shows while dragging (no Qt)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from vidmeta.domain import Segment


class DragMode(enum.Enum):
    SEEK = "seek"
    MOVE = "move"
    RESIZE_START = "resize_start"
    RESIZE_END = "resize_end"
    CREATE = "create"


@dataclass
class Drag:
    mode: DragMode
    press_x: float
    press_t: float
    tier_id: str | None = None
    segment: Segment | None = None
    ids: set[str] = field(default_factory=set)
    active: bool = False  # past the drag threshold
    delta: float = 0.0  # MOVE: seconds
    start: float = 0.0  # RESIZE/CREATE preview
    end: float = 0.0


def preview(seg: Segment, drag: Drag) -> Segment:
    """How `seg` looks while `drag` is under way (the document changes only on release)."""
    if drag.mode == DragMode.MOVE and seg.id in drag.ids:
        return replace(seg, start=seg.start + drag.delta, end=seg.end + drag.delta)
    if drag.mode in (DragMode.RESIZE_START, DragMode.RESIZE_END) and drag.segment and seg.id == drag.segment.id:
        return replace(seg, start=drag.start, end=drag.end)
    return seg
