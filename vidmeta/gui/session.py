"""The open project: its document, where it is saved, its video, and the undo history."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from vidmeta.domain import MediaInfo, ProjectDocument
from vidmeta.gui.undo_commands import DocumentCommand


class EditorSession(QObject):
    documentChanged = Signal(object)  # the new ProjectDocument
    dirtyChanged = Signal(bool)
    projectPathChanged = Signal(object)  # Path or None
    videoChanged = Signal(object)  # MediaInfo or None

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._document = ProjectDocument()
        self._project_path: Path | None = None
        self._media: MediaInfo | None = None
        # Dirty without an undo step: a document recovered after a crash, or imported on open.
        self._unsaved_without_history = False
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # What is open --------------------------------------------------------------------------

    @property
    def document(self) -> ProjectDocument:
        return self._document

    @property
    def project_path(self) -> Path | None:
        return self._project_path

    @property
    def media(self) -> MediaInfo | None:
        return self._media

    @property
    def video_path(self) -> Path | None:
        return None if self._media is None else self._media.path

    @property
    def duration(self) -> float:
        return 0.0 if self._media is None else self._media.duration

    @property
    def is_dirty(self) -> bool:
        return self._unsaved_without_history or not self.undo_stack.isClean()

    def open(
        self, doc: ProjectDocument, *, project_path: Path | None, media: MediaInfo | None, dirty: bool = False
    ) -> None:
        """Show a freshly loaded document: the history starts empty."""
        self.undo_stack.clear()
        self._media = media
        self._project_path = project_path
        self._unsaved_without_history = dirty
        self._show_document(doc)
        self.videoChanged.emit(media)
        self.projectPathChanged.emit(project_path)
        self.dirtyChanged.emit(self.is_dirty)

    def close(self) -> None:
        self.open(ProjectDocument(), project_path=None, media=None)

    def _on_clean_changed(self, clean: bool) -> None:
        # The flag, not self.undo_stack: the stack emits this from its destructor too.
        self.dirtyChanged.emit(self._unsaved_without_history or not clean)

    # Edits ---------------------------------------------------------------------------------

    def apply(self, doc: ProjectDocument, text: str) -> bool:
        """Make `doc` the document as one undoable step named `text`; False when nothing changed."""
        if doc == self._document:
            return False
        self.undo_stack.push(DocumentCommand(self, self._document, doc, text))
        return True

    def _show_document(self, doc: ProjectDocument) -> None:
        self._document = doc
        self.documentChanged.emit(doc)

    # Saving --------------------------------------------------------------------------------

    def save(self, path: Path) -> Path:
        from vidmeta.store import save_project

        saved = save_project(self._document, path)
        self._project_path = Path(saved)
        self._unsaved_without_history = False
        self.undo_stack.setClean()
        self.projectPathChanged.emit(self._project_path)
        self.dirtyChanged.emit(False)
        return self._project_path
