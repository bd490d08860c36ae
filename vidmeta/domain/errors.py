"""Errors a user can be told about: each carries the file it concerns and a one-line reason."""

from __future__ import annotations

from pathlib import Path


class VidmetaError(Exception):
    """An expected failure with a message fit for a user (CLI line, GUI dialog)."""

    def __init__(self, path: str | Path | None, reason: str):
        self.path = None if path is None else Path(path)
        self.reason = reason
        super().__init__(self.user_message())

    def user_message(self) -> str:
        if self.path is None:
            return self.reason
        return f"{self.path}: {self.reason}"


class MediaError(VidmetaError):
    """A file that cannot be probed or decoded."""


class ProjectError(VidmetaError):
    """A project document that cannot be loaded or saved."""


class LabellingError(VidmetaError):
    """Few-shot labelling cannot start: no examples, or a label set that cannot be read."""
