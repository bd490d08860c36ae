"""The timeline: ruler, thumbnail strip, waveform, shot boundaries and one row per tier."""

from vidmeta.gui.timeline.view import TimelineView

__all__ = ["TimelineView"]
