"""Small modal dialogs: errors (one clear line, details on demand), questions, text entry.

Kept as module functions so that every caller goes through one place, and tests can answer them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vidmeta.domain import VidmetaError


def error_text(exc: BaseException) -> str:
    """One line for the user: the reason a VidmetaError gives, else the exception's type and text."""
    if isinstance(exc, VidmetaError):
        return exc.user_message()
    return f"{type(exc).__name__}: {exc}"


def show_error(parent: QWidget | None, message: str, *, title: str = "vidmeta", details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_dialog")
    if details:
        box.setDetailedText(details)
    box.exec()


def ask_save_changes(parent: QWidget | None, what: str) -> QMessageBox.StandardButton:
    """Save, Discard or Cancel for unsaved work in `what` (a file name)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Unsaved changes",
        f"Save the changes to {what} before closing?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("save_changes_dialog")
    box.setInformativeText("Your changes are lost if you don't save them.")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    return QMessageBox.StandardButton(box.exec())


def ask_recover(parent: QWidget | None, description: str) -> QMessageBox.StandardButton:
    """Yes (recover), No (discard the recovery file) or Cancel (keep it for later)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Recover unsaved work?",
        "vidmeta did not close properly last time.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("recover_dialog")
    box.setInformativeText(f"Unsaved work was kept: {description}\nRecover it now? (No discards it.)")
    box.button(QMessageBox.StandardButton.Yes).setText("Recover")
    box.button(QMessageBox.StandardButton.No).setText("Discard")
    box.button(QMessageBox.StandardButton.Cancel).setText("Later")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return QMessageBox.StandardButton(box.exec())


def ask_name(parent: QWidget | None, title: str, prompt: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, prompt, text=text)
    return value.strip() if ok and value.strip() else None


def open_file(parent: QWidget | None, title: str, file_filter: str, start: str | Path = "") -> Path | None:
    """A file the user picks to read, None when cancelled."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
    return Path(chosen) if chosen else None


def save_file(parent: QWidget | None, title: str, file_filter: str, suggested: str | Path = "") -> Path | None:
    """A file name the user picks to write, None when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def choose(parent: QWidget | None, title: str, prompt: str, items: list[str], *, editable: bool = False) -> str | None:
    """One of ``items`` (or, when editable, a new name typed in), None when cancelled."""
    value, ok = QInputDialog.getItem(parent, title, prompt, items, 0, editable)
    return value.strip() if ok and value.strip() else None


class TextDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, prompt: str, text: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt, self))
        self.editor = QPlainTextEdit(text, self)
        self.editor.setTabChangesFocus(True)
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 180)


def edit_text(parent: QWidget | None, title: str, prompt: str, text: str) -> str | None:
    dialog = TextDialog(parent, title, prompt, text)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.editor.toPlainText()
    return None


def edit_label(parent: QWidget | None, label, *, title: str):
    """A LabelDialog's result, or None when cancelled."""
    from vidmeta.gui.label_panel import LabelDialog

    dialog = LabelDialog(label, parent, title=title)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.label()
    return None
