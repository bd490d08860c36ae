"""The subtitle editor panel: the document's cues as a table that follows playback.

Each row is one cue (start, end, speaker, text, readability warnings). The cue under the playhead
is highlighted; clicking a row seeks to its start. Text, times and speaker are edited in place, and
the buttons split, merge, shift, find/replace, rename a speaker, keep suspect cues or delete. Every
change goes through vidmeta.gui.cue_edits and the session, so each one is a single undo step.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QInputDialog, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from vidmeta.domain import Cue, ProjectDocument
from vidmeta.gui import cue_edits
from vidmeta.gui.edits import EditError
from vidmeta.speech.shaping import cue_warnings

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow

COLUMNS = ("Start", "End", "Speaker", "Text", "Warnings")
START, END, SPEAKER, TEXT, WARNINGS = range(len(COLUMNS))
CURRENT_CUE_COLOR = QColor("#fff2a8")  # the row under the playhead
SUSPECT_COLOR = QColor("#8a8a8a")  # text of cues the speech gate doubts


def format_cue_time(t: float) -> str:
    """m:ss.mmm (h:mm:ss.mmm past an hour): millisecond precision, as subtitle files keep."""
    ms = round(max(0.0, t) * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}" if h else f"{m}:{s:02d}.{ms:03d}"


_TIME = re.compile(r"^\s*(?:(?:(\d+):)?(\d+):)?(\d+(?:[.,]\d*)?)\s*$")


def parse_cue_time(text: str) -> float:
    """Seconds from "h:mm:ss.mmm", "m:ss.mmm" or "ss.mmm"; EditError for anything else."""
    match = _TIME.match(text)
    if match is None:
        raise EditError(f"{text!r} is not a time (m:ss.mmm)")
    h, m, s = match.groups()
    return int(h or 0) * 3600 + int(m or 0) * 60 + float(s.replace(",", "."))


class FindReplaceDialog(QDialog):
    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.setObjectName("find_replace_dialog")
        self.setWindowTitle("Find and replace in subtitles")
        self.find = QLineEdit(self)
        self.replacement = QLineEdit(self)
        form = QFormLayout(self)
        form.addRow("Find:", self.find)
        form.addRow("Replace with:", self.replacement)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class SubtitleEditor(QWidget):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.setObjectName("subtitle_editor")
        self.w = window
        self.cues: tuple[Cue, ...] = ()
        self.current_row: int | None = None
        self._filling = False  # itemChanged fires while the table is (re)filled: that is no edit

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("cue_table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in (START, END, SPEAKER):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(WARNINGS, QHeaderView.ResizeMode.Interactive)
        self.table.cellClicked.connect(self._on_clicked)
        self.table.itemChanged.connect(self._on_item_changed)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip, slot in (
            ("split", "Split", "Split the selected cue at the playhead", lambda: self.split()),
            ("merge", "Merge", "Merge the selected cue with the next one", lambda: self.merge_next()),
            ("shift", "Shift…", "Move the selected cues (all when none is selected) in time", lambda: self.shift()),
            ("find", "Replace…", "Find and replace text in the cues", lambda: self.find_replace()),
            ("speaker", "Speaker…", "Rename a speaker in every cue", lambda: self.rename_speaker()),
            ("keep", "Keep", "Keep suspect cues: they become ordinary subtitles", lambda: self.keep()),
            ("delete", "Delete", "Delete the selected cues", lambda: self.delete()),
        ):
            button = QPushButton(text, self)
            button.setObjectName(f"cue_{key}_button")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    # Showing --------------------------------------------------------------------------------

    def set_document(self, doc: ProjectDocument, *, refill: bool = False) -> None:
        """Show the document's cues; `refill` also when they did not change (to drop refused typing)."""
        if doc.cues == self.cues and not refill:
            return
        selected = set(self.selected_ids())
        self.cues = doc.cues
        warnings = cue_warnings(doc.cues, self.w.settings.subtitle_rules)
        self._filling = True
        try:
            self.table.setRowCount(len(self.cues))
            for row, (cue, problems) in enumerate(zip(self.cues, warnings)):
                self._fill_row(row, cue, problems)
            self.table.clearSelection()
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            for row, cue in enumerate(self.cues):
                if cue.id in selected:
                    self.table.selectionModel().select(self.table.model().index(row, 0), flags)
        finally:
            self._filling = False
        self.current_row = None
        self.set_position(self.w.player.position)

    def _fill_row(self, row: int, cue: Cue, problems: list[str]) -> None:
        values = (format_cue_time(cue.start), format_cue_time(cue.end), cue.speaker or "", cue.text,
                  "; ".join(problems))
        for col, value in enumerate(values):
            item = QTableWidgetItem(value)
            flags = item.flags()
            if col == WARNINGS:
                item.setFlags(flags & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(value)
            if cue.suspect:
                item.setForeground(QBrush(SUSPECT_COLOR))
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
                item.setToolTip(f"Suspect: {cue.suspect_reason or 'no one seems to speak here'}")
            self.table.setItem(row, col, item)

    def set_position(self, t: float) -> None:
        """Highlight the cue under the playhead and keep it in view."""
        row = next((i for i, c in enumerate(self.cues) if c.start <= t < c.end), None)
        if row == self.current_row:
            return
        self._filling = True
        try:
            for r, brush in ((self.current_row, QBrush()), (row, QBrush(CURRENT_CUE_COLOR))):
                if r is not None and r < self.table.rowCount():
                    for col in range(len(COLUMNS)):
                        item = self.table.item(r, col)
                        if item is not None:
                            item.setBackground(brush)
        finally:
            self._filling = False
        self.current_row = row
        if row is not None:
            self.table.scrollToItem(self.table.item(row, TEXT))

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.cues[r].id for r in rows if r < len(self.cues)]

    def select_cue(self, cue_id: str) -> None:
        row = next(i for i, c in enumerate(self.cues) if c.id == cue_id)
        self.table.clearSelection()
        self.table.selectRow(row)

    # Editing --------------------------------------------------------------------------------

    def _apply(self, text: str, edit: Callable[[ProjectDocument], ProjectDocument]) -> bool:
        try:
            doc = edit(self.w.session.document)
        except EditError as exc:
            QApplication.beep()
            self.w.show_status(f"{text}: {exc}")
            self.set_document(self.w.session.document, refill=True)
            return False
        return self.w.session.apply(doc, text)

    def _one_selected(self) -> str:
        ids = self.selected_ids()
        if len(ids) != 1:
            raise EditError("select one cue")
        return ids[0]

    def _on_clicked(self, row: int, _col: int) -> None:
        if row < len(self.cues):
            self.w.player.seek(self.cues[row].start)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.row() >= len(self.cues):
            return
        cue = self.cues[item.row()]
        col, value = item.column(), item.text()
        if col == TEXT:
            self._apply("Edit subtitle text", lambda d: cue_edits.set_cue_text(d, cue.id, value))
        elif col == SPEAKER:
            self._apply("Set speaker", lambda d: cue_edits.replace_cues(
                d, (c if c.id != cue.id else _with_speaker(c, value) for c in d.cues)))
        elif col in (START, END):
            def edit(d: ProjectDocument) -> ProjectDocument:
                t = parse_cue_time(value)
                start, end = (t, cue.end) if col == START else (cue.start, t)
                return cue_edits.set_cue_times(d, cue.id, start, end)

            self._apply("Set cue start" if col == START else "Set cue end", edit)

    def split(self) -> bool:
        t = self.w.player.position
        return self._apply("Split cue", lambda d: cue_edits.split_cue(d, self._one_selected(), t))

    def merge_next(self) -> bool:
        return self._apply("Merge cues", lambda d: cue_edits.merge_with_next(d, self._one_selected()))

    def delete(self) -> bool:
        ids = self.selected_ids()
        return self._apply("Delete cue" if len(ids) == 1 else f"Delete {len(ids)} cues",
                           lambda d: cue_edits.delete_cues(d, ids))

    def keep(self) -> bool:
        ids = self.selected_ids() or [c.id for c in self.cues if c.suspect]
        return self._apply("Keep suspect cues", lambda d: cue_edits.keep_cues(d, ids))

    def shift(self, offset: float | None = None) -> bool:
        """Move the selected cues, or all when none is selected, by offset seconds (asked when None)."""
        ids = self.selected_ids() or None
        if offset is None:
            what = "the selected cues" if ids else "all cues"
            offset, ok = QInputDialog.getDouble(self, "Shift subtitles", f"Move {what} by (seconds, − is earlier):",
                                                0.0, -3600.0, 3600.0, 3)
            if not ok or offset == 0:
                return False
        return self._apply(f"Shift cues by {offset:+.3f} s", lambda d: cue_edits.shift_cues(d, offset, ids))

    def find_replace(self, find: str | None = None, replacement: str | None = None) -> int:
        """Replace text in every cue; returns how many places changed."""
        if find is None or replacement is None:
            dialog = FindReplaceDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
            find, replacement = dialog.find.text(), dialog.replacement.text()
        counted: list[int] = []

        def edit(d: ProjectDocument) -> ProjectDocument:
            new, n = cue_edits.find_replace(d, find, replacement)
            counted.append(n)
            return new

        self._apply(f"Replace {find!r}", edit)
        n = counted[0] if counted else 0
        self.w.show_status(f"Replaced {n} occurrence(s) of {find!r}")
        return n

    def rename_speaker(self, old: str | None = None, new: str | None = None) -> bool:
        """Give a speaker another name in every cue of the video (asked for when not given)."""
        if old is None:
            names = cue_edits.speakers(self.cues)
            if not names:
                self.w.show_status("Rename speaker: no cue has a speaker")
                return False
            ids = self.selected_ids()
            current = next((c.speaker for c in self.cues if c.id in ids and c.speaker), names[0])
            old, ok = QInputDialog.getItem(self, "Rename speaker", "Speaker:", names, names.index(current), False)
            if not ok:
                return False
        if new is None:
            new, ok = QInputDialog.getText(self, "Rename speaker", f"New name for {old}:", text=old)
            if not ok:
                return False
        return self._apply(f"Rename speaker {old}", lambda d: cue_edits.rename_speaker(d, old, new))


def _with_speaker(cue: Cue, name: str) -> Cue:
    return replace(cue, speaker=name.strip() or None)
