"""The transport bar under the video: buttons for the playback actions, speed, time and frame."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStyle, QToolButton, QWidget
from superqt import QLabeledSlider

from vidmeta.gui.frame_clock import FrameClock
from vidmeta.gui.player import RATES
from vidmeta.gui.timeline.scale import format_time

_ICONS = {
    "back_5s": QStyle.StandardPixmap.SP_MediaSeekBackward,
    "frame_back": QStyle.StandardPixmap.SP_MediaSkipBackward,
    "play": QStyle.StandardPixmap.SP_MediaPlay,
    "frame_fwd": QStyle.StandardPixmap.SP_MediaSkipForward,
    "fwd_5s": QStyle.StandardPixmap.SP_MediaSeekForward,
    "mute": QStyle.StandardPixmap.SP_MediaVolume,
}
_TEXT_BUTTONS = {"back_1s": "−1s", "fwd_1s": "+1s"}
_ORDER = ("back_5s", "back_1s", "frame_back", "play", "frame_fwd", "fwd_1s", "fwd_5s")


class TransportBar(QWidget):
    rateSelected = Signal(float)
    volumeChanged = Signal(float)  # 0..1

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self._actions = actions
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(2)
        style = self.style()
        self.buttons: dict[str, QToolButton] = {}
        for key in _ORDER:
            button = QToolButton(self)
            button.setDefaultAction(actions[key])
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and arrows belong to the actions
            if key in _ICONS:
                actions[key].setIcon(style.standardIcon(_ICONS[key]))
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            else:
                button.setText(_TEXT_BUTTONS[key])
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addSpacing(10)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.time_label = QLabel("0:00.000 / 0:00.000", self)
        self.time_label.setFont(mono)
        self.time_label.setToolTip("Playhead / duration")
        self.frame_label = QLabel("frame –", self)
        self.frame_label.setFont(mono)
        self.frame_label.setToolTip("Frame on screen (from the file's own frame times)")
        layout.addWidget(self.time_label)
        layout.addSpacing(12)
        layout.addWidget(self.frame_label)
        layout.addStretch(1)
        layout.addWidget(QLabel("Speed", self))
        self.speed = QComboBox(self)
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATES:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(RATES.index(1.0))
        self.speed.setToolTip("Playback speed (Ctrl+Down slower, Ctrl+Up faster)")
        self.speed.activated.connect(lambda i: self.rateSelected.emit(RATES[i]))
        layout.addWidget(self.speed)
        layout.addSpacing(8)
        mute = QToolButton(self)
        mute.setDefaultAction(actions["mute"])
        mute.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        actions["mute"].setIcon(style.standardIcon(_ICONS["mute"]))
        layout.addWidget(mute)
        self.volume = QLabeledSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setFixedWidth(130)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.setToolTip("Volume")
        self.volume.valueChanged.connect(lambda v: self.volumeChanged.emit(v / 100.0))
        layout.addWidget(self.volume)
        self.set_playing(False)

    def set_playing(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self._actions["play"].setIcon(self.style().standardIcon(icon))

    def set_rate(self, rate: float) -> None:
        nearest = min(range(len(RATES)), key=lambda i: abs(RATES[i] - rate))
        self.speed.setCurrentIndex(nearest)

    def set_time(self, position: float, duration: float, clock: FrameClock | None) -> None:
        self.time_label.setText(f"{format_time(position)} / {format_time(duration)}")
        if clock is None:
            self.frame_label.setText("frame –")
        else:
            index = clock.index_at(position)
            exact = "" if clock.exact else "~"
            self.frame_label.setText(f"frame {exact}{index + 1} / {exact}{len(clock)}")
