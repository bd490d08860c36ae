"""The label vocabulary: name, colour and hotkey (1-9) of each label; applies labels to the selection."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vidmeta.domain import Label


def swatch(color: str, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(color))
    return QIcon(pix)


class LabelDialog(QDialog):
    """Edit one label's name, colour and hotkey."""

    def __init__(self, label: Label, parent: QWidget | None = None, *, title: str = "Label"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._color = label.color
        form = QFormLayout(self)
        self.name = QLineEdit(label.name, self)
        self.name.setPlaceholderText("e.g. speech, laughter, car")
        self.color_button = QPushButton(self)
        self.color_button.clicked.connect(self._pick_color)
        self.hotkey = QComboBox(self)
        self.hotkey.addItem("none", None)
        for k in range(1, 10):
            self.hotkey.addItem(str(k), k)
        self.hotkey.setCurrentIndex(0 if label.hotkey is None else label.hotkey)
        form.addRow("Name", self.name)
        form.addRow("Colour", self.color_button)
        form.addRow("Hotkey", self.hotkey)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._show_color()

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Label colour")
        if chosen.isValid():
            self._color = chosen.name()
            self._show_color()

    def _show_color(self) -> None:
        self.color_button.setIcon(swatch(self._color))
        self.color_button.setText(self._color)

    def label(self) -> Label:
        return Label(name=self.name.text().strip(), color=self._color, hotkey=self.hotkey.currentData())


class LabelPanel(QWidget):
    applyRequested = Signal(str)  # label name, "" clears
    addRequested = Signal()
    editRequested = Signal(str)  # label name
    removeRequested = Signal(str)  # label name

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget(self)
        self.list.setIconSize(QSize(14, 14))
        self.list.setToolTip("Double-click, or press the label's number key, to label the selected segments")
        self.list.itemDoubleClicked.connect(lambda item: self.applyRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list)
        self.hint = QLabel("No labels yet. Add one (Ctrl+L); its number key 1–9 labels the selected segments.", self)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # drawn in the palette's disabled (muted) text colour
        layout.addWidget(self.hint)
        row = QHBoxLayout()
        row.setSpacing(2)
        self.apply_button = QToolButton(self)
        self.add_button = QToolButton(self)
        self.edit_button = QToolButton(self)
        self.remove_button = QToolButton(self)
        for b, text, tip in ((self.apply_button, "Apply", "Label the selected segments"),
                             (self.add_button, "Add…", "New label (Ctrl+L)"),
                             (self.edit_button, "Edit…", "Name, colour and hotkey"),
                             (self.remove_button, "Remove", "Remove from the vocabulary")):
            b.setText(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row.addWidget(b)
        layout.addLayout(row)
        self.apply_button.clicked.connect(lambda: self._emit_current(self.applyRequested))
        self.add_button.clicked.connect(self.addRequested.emit)
        self.edit_button.clicked.connect(lambda: self._emit_current(self.editRequested))
        self.remove_button.clicked.connect(lambda: self._emit_current(self.removeRequested))
        self._update_buttons()

    def set_labels(self, labels: tuple[Label, ...]) -> None:
        current = self.current_name()
        self.list.clear()
        for lab in labels:
            key = f"{lab.hotkey}  " if lab.hotkey else "    "
            item = QListWidgetItem(swatch(lab.color), f"{key}{lab.name}")
            item.setData(Qt.ItemDataRole.UserRole, lab.name)
            self.list.addItem(item)
            if lab.name == current:
                self.list.setCurrentItem(item)
        self.hint.setVisible(not labels)
        self._update_buttons()

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _emit_current(self, signal) -> None:
        name = self.current_name()
        if name is not None:
            signal.emit(name)

    def _update_buttons(self) -> None:
        has = self.list.currentItem() is not None
        for b in (self.apply_button, self.edit_button, self.remove_button):
            b.setEnabled(has)
