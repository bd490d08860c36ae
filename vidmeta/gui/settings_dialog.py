"""Settings: compute device, whisper model, model cache folder and subtitle line rules.

The values live in vidmeta.config's settings file (platformdirs); only window geometry is Qt's.
"""

from __future__ import annotations

import enum
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt import QEnumComboBox

from vidmeta.config import Settings
from vidmeta.config.settings import SubtitleRules

WHISPER_MODELS = ("tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en", "large-v3",
                  "turbo")


class ComputeDevice(enum.Enum):
    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"

    def __str__(self) -> str:
        return {"auto": "Automatic (GPU when available)", "cpu": "CPU", "cuda": "CUDA GPU"}[self.value]


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, default_model_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settings_dialog")
        self._original = settings
        layout = QVBoxLayout(self)

        compute = QGroupBox("Models", self)
        form = QFormLayout(compute)
        self.device = QEnumComboBox(self, enum_class=ComputeDevice)
        self.device.setCurrentEnum(ComputeDevice(settings.device) if settings.device in
                                   {d.value for d in ComputeDevice} else ComputeDevice.AUTO)
        form.addRow("Compute device", self.device)
        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.addItems(WHISPER_MODELS)
        self.model.setCurrentText(settings.whisper_model)
        self.model.setToolTip("A whisper model name (downloaded on first use) or a local checkpoint file (.pt)")
        browse_model = QPushButton("Checkpoint…", self)
        browse_model.clicked.connect(self._browse_model)
        form.addRow("Whisper model", _row(self.model, browse_model))
        self.cache = QLineEdit(settings.model_cache_dir, self)
        self.cache.setPlaceholderText(str(default_model_dir))
        browse_cache = QPushButton("Folder…", self)
        browse_cache.clicked.connect(self._browse_cache)
        form.addRow("Model cache folder", _row(self.cache, browse_cache))
        layout.addWidget(compute)

        rules = settings.subtitle_rules
        subs = QGroupBox("Subtitle lines", self)
        sform = QFormLayout(subs)
        self.max_chars = _spin(QSpinBox(self), 10, 120, rules.max_chars_per_line, " characters")
        self.max_lines = _spin(QSpinBox(self), 1, 4, rules.max_lines, " lines")
        self.max_cps = _spin(QDoubleSpinBox(self), 5.0, 40.0, rules.max_chars_per_second, " chars/s")
        self.min_duration = _spin(QDoubleSpinBox(self), 0.1, 5.0, rules.min_duration, " s")
        self.max_duration = _spin(QDoubleSpinBox(self), 1.0, 20.0, rules.max_duration, " s")
        sform.addRow("Longest line", self.max_chars)
        sform.addRow("Lines per subtitle", self.max_lines)
        sform.addRow("Reading speed at most", self.max_cps)
        sform.addRow("Shortest subtitle", self.min_duration)
        sform.addRow("Longest subtitle", self.max_duration)
        layout.addWidget(subs)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout.addWidget(buttons)

    def settings(self) -> Settings:
        """The settings as shown; things the dialog does not edit (recent files) are kept."""
        rules = SubtitleRules(
            max_chars_per_line=self.max_chars.value(),
            max_lines=self.max_lines.value(),
            max_chars_per_second=self.max_cps.value(),
            min_duration=self.min_duration.value(),
            max_duration=max(self.max_duration.value(), self.min_duration.value()),
        )
        return replace(self._original, device=self.device.currentEnum().value,
                       whisper_model=self.model.currentText().strip() or "base",
                       model_cache_dir=self.cache.text().strip(), subtitle_rules=rules)

    def restore_defaults(self) -> None:
        d = Settings()
        self.device.setCurrentEnum(ComputeDevice(d.device))
        self.model.setCurrentText(d.whisper_model)
        self.cache.setText(d.model_cache_dir)
        r = d.subtitle_rules
        for box, value in ((self.max_chars, r.max_chars_per_line), (self.max_lines, r.max_lines),
                           (self.max_cps, r.max_chars_per_second), (self.min_duration, r.min_duration),
                           (self.max_duration, r.max_duration)):
            box.setValue(value)

    def _browse_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Whisper checkpoint", "", "PyTorch checkpoints (*.pt);;All files (*)")
        if path:
            self.model.setCurrentText(path)

    def _browse_cache(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Model cache folder", self.cache.text())
        if path:
            self.cache.setText(path)


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, w in enumerate(widgets):
        layout.addWidget(w, 1 if i == 0 else 0)
    return holder


def _spin(box, lo, hi, value, suffix: str):
    box.setRange(lo, hi)
    if isinstance(box, QDoubleSpinBox):
        box.setDecimals(1)
        box.setSingleStep(0.1)
    box.setValue(value)
    box.setSuffix(suffix)
    return box
