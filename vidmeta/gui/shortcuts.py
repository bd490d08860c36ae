"""Help > Keyboard shortcuts: every action of the window with its keys, read from the live actions."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLineEdit, QTableWidget, QTableWidgetItem, \
    QVBoxLayout, QWidget

from vidmeta.gui.actions import MENU_ORDER, specs


def shortcut_rows(actions: dict[str, QAction], extra: list[tuple[str, QAction]]) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every action that has keys, in menu order."""
    rows = []
    menus = {s.key: s.menu.replace("/", " › ") for s in specs()}
    for menu, action in extra:
        rows.append((menu, action.text().replace("&", ""), _keys(action)))
    for key, action in actions.items():
        rows.append((menus.get(key, ""), action.text().replace("&", "").rstrip("…"), _keys(action)))
    order = {name: i for i, name in enumerate(MENU_ORDER)}
    rows.sort(key=lambda r: order.get(r[0].split(" › ")[0], len(order)))  # stable: table order within a menu
    return [r for r in rows if r[2]]


def _keys(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcuts_dialog")
        layout = QVBoxLayout(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter…")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._apply_filter)
        self.resize(560, 620)

    def _apply_filter(self, text: str) -> None:
        needle = text.lower()
        for i in range(self.table.rowCount()):
            cells = " ".join(self.table.item(i, j).text().lower() for j in range(3))
            self.table.setRowHidden(i, needle not in cells)
