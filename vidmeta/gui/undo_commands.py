"""Undo commands. Documents are immutable, so one command kind serves every edit: it keeps the
document before and after, and undo/redo swap which one the session shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from vidmeta.domain import ProjectDocument

if TYPE_CHECKING:
    from vidmeta.gui.session import EditorSession


class DocumentCommand(QUndoCommand):
    def __init__(self, session: "EditorSession", before: ProjectDocument, after: ProjectDocument, text: str):
        super().__init__(text)
        self._session = session
        self.before = before
        self.after = after

    def redo(self) -> None:
        self._session._show_document(self.after)

    def undo(self) -> None:
        self._session._show_document(self.before)
