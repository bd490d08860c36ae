"""The desktop app: the only package that imports PySide6 and superqt.

Entry point: vidmeta.gui.app:main. Heavy libraries (torch, whisper, cv2) are imported lazily by the
jobs that need them, never at module top level here, so that the window appears fast.
"""

from vidmeta.gui.qt_compat import protect_none_refcount as _protect_none_refcount

_protect_none_refcount()  # before any other binding call: see qt_compat
