"""Work-arounds for defects of the Qt bindings, applied once when vidmeta.gui is imported.

PySide6 6.12.0 on Python 3.11: every binding call that returns None hands back None without a new
reference (safe only where None is immortal, Python 3.12+). Each call lowers None's reference count
by one, and after a few thousand calls (seconds of playback) the interpreter aborts with "Fatal Python
error: none_dealloc". PySide6 6.11.3 does not do this. When the defect is detected, None gets a
reference count it cannot use up, which is what Python 3.12 does for every interpreter.
"""

from __future__ import annotations

import ctypes
import sys

_PROBE_CALLS = 64
_RESERVE = 1 << 48  # None references: ~2.8e14 calls, centuries at a million calls a second


def none_refcount_leak_per_call() -> float:
    """How many references to None one None-returning PySide call takes away (0 when fine)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("probe")  # returns None
    return (before - sys.getrefcount(None)) / _PROBE_CALLS


def protect_none_refcount() -> bool:
    """Apply the work-around when the defect is present; True when it was applied."""
    if sys.version_info >= (3, 12):
        return False  # None is immortal there
    if none_refcount_leak_per_call() < 0.5:
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += _RESERVE
    return True


def settle_virtual_overrides(*objects) -> None:
    """Let Qt's own threads call these objects' virtual methods without the GIL.

    Objects made from Python are binding wrappers: the first time one of their virtual methods runs,
    the binding takes the GIL to look for a Python override, then remembers that there is none. Qt
    Multimedia's playback threads disconnect from the player, sink and audio output while tearing a
    pipeline down (disconnectNotify), holding a Qt lock; if the main thread holds the GIL and waits
    for that lock, both wait forever. Connecting and disconnecting once here, on the main thread,
    makes the bindings remember "no override" before those threads ever ask.
    """
    for obj in objects:
        obj.destroyed.connect(_ignore)
        obj.destroyed.disconnect(_ignore)


def _ignore(*_args) -> None:
    pass
