"""Playback: QMediaPlayer decoding into a QVideoSink (frames painted by our own view) and a QAudioOutput.

The player keeps its own position in seconds. While paused it is exactly what the user asked for
(a seek target or a frame's PTS); Qt is sent to the middle of the frame on screen at that time,
because a seek to a frame's exact start may show the frame before it. While playing, the position
follows Qt's clock (whole milliseconds).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink

from vidmeta.gui.frame_clock import FrameClock
from vidmeta.gui.qt_compat import settle_virtual_overrides

log = logging.getLogger(__name__)

RATES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
_DURATION_SLACK_S = 0.25  # probe and player may differ by a frame or two; only more is a different clock


class Player(QObject):
    frameReady = Signal(QImage, float)  # the frame to show and its PTS in seconds
    positionChanged = Signal(float)  # seconds
    durationChanged = Signal(float)  # seconds
    playingChanged = Signal(bool)
    rateChanged = Signal(float)
    errorOccurred = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._qt = QMediaPlayer(self)
        self._sink = QVideoSink(self)
        self._audio = QAudioOutput(self)
        settle_virtual_overrides(self._qt, self._sink, self._audio)  # before any playback thread exists
        self._qt.setVideoSink(self._sink)
        self._qt.setAudioOutput(self._audio)
        self._clock: FrameClock | None = None
        self._duration = 0.0
        self._position = 0.0
        self._frame_time: float | None = None
        self._waiting_first_frame = False
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._qt.positionChanged.connect(self._on_qt_position)
        self._qt.durationChanged.connect(self._on_qt_duration)
        self._qt.mediaStatusChanged.connect(self._on_status)
        self._qt.playbackStateChanged.connect(self._on_state)
        self._qt.errorOccurred.connect(self._on_error)

    # Source ---------------------------------------------------------------------------------

    def load(self, path: Path, *, duration: float, clock: FrameClock | None) -> None:
        self._clock = clock
        self._duration = duration
        self._position = 0.0
        self._frame_time = None
        self._waiting_first_frame = True
        self._qt.setSource(QUrl.fromLocalFile(str(path)))
        self.durationChanged.emit(duration)
        self.positionChanged.emit(0.0)

    def unload(self) -> None:
        self._qt.stop()
        self._qt.setSource(QUrl())
        self._clock = None
        self._duration = 0.0
        self._position = 0.0
        self._frame_time = None
        self.durationChanged.emit(0.0)
        self.positionChanged.emit(0.0)

    def set_clock(self, clock: FrameClock) -> None:
        """Replace the frame times (exact ones arrive from a background scan after load)."""
        self._clock = clock

    @property
    def clock(self) -> FrameClock | None:
        return self._clock

    @property
    def loaded(self) -> bool:
        return self._duration > 0

    # State ----------------------------------------------------------------------------------

    @property
    def position(self) -> float:
        return self._position

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def frame_time(self) -> float | None:
        """PTS of the frame on screen, None before the first frame arrives."""
        return self._frame_time

    @property
    def frame_index(self) -> int | None:
        return None if self._clock is None else self._clock.index_at(self._position)

    @property
    def playing(self) -> bool:
        return self._qt.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    @property
    def rate(self) -> float:
        return self._qt.playbackRate()

    @property
    def audio_output(self) -> QAudioOutput:
        return self._audio

    # Transport ------------------------------------------------------------------------------

    def play(self) -> None:
        if not self.loaded:
            return
        if self._position >= self._duration - 0.05:
            self.seek(0.0)  # play from the start again, as players do
        self._qt.play()

    def pause(self) -> None:
        if not self.playing:
            return
        self._qt.pause()
        # Stop on a whole frame: the position then names the frame shown, for stepping and marks.
        t = self._qt.position() / 1000.0
        self.seek(self._clock.snap(t) if self._clock is not None else t)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def seek(self, t: float) -> None:
        if not self.loaded:
            return
        t = min(max(0.0, t), self._duration)
        if self._clock is not None and not self.playing:
            target = self._clock.middle_of(self._clock.index_at(t))
        else:
            target = t
        self._position = t
        self._qt.setPosition(int(round(target * 1000)))
        self.positionChanged.emit(t)

    def step_frames(self, frames: int) -> None:
        """Pause, then show the frame `frames` away from the one on screen (real PTS, not a rate)."""
        if not self.loaded or self._clock is None:
            return
        if self.playing:
            self.pause()
        self.seek(self._clock.step(self._position, frames))

    def jump(self, seconds: float) -> None:
        self.seek(self._position + seconds)

    def set_rate(self, rate: float) -> None:
        rate = min(max(rate, RATES[0]), RATES[-1])
        self._qt.setPlaybackRate(rate)
        self.rateChanged.emit(rate)

    def change_rate(self, steps: int) -> None:
        """Move along the list of rates (0.25x ... 2x) by `steps`."""
        current = min(range(len(RATES)), key=lambda i: abs(RATES[i] - self.rate))
        self.set_rate(RATES[max(0, min(len(RATES) - 1, current + steps))])

    def set_muted(self, muted: bool) -> None:
        self._audio.setMuted(muted)

    def set_volume(self, volume: float) -> None:
        self._audio.setVolume(min(max(volume, 0.0), 1.0))

    # From Qt --------------------------------------------------------------------------------

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        start_us = frame.startTime()
        pts = start_us / 1e6 if start_us >= 0 else self._qt.position() / 1000.0
        self._frame_time = pts
        self.frameReady.emit(image, pts)

    def _on_qt_position(self, ms: int) -> None:
        if self.playing:
            self._position = min(ms / 1000.0, self._duration)
            self.positionChanged.emit(self._position)

    def _on_qt_duration(self, ms: int) -> None:
        # The probe's length can count a late start (some MP4 edit lists, MPEG-TS); the player's
        # clock runs from the container's start, and the timeline must run on the player's clock.
        seconds = ms / 1000.0
        if ms > 0 and self._duration > 0 and abs(seconds - self._duration) > _DURATION_SLACK_S:
            log.info("player duration %.3f s replaces the probed %.3f s", seconds, self._duration)
            self._duration = seconds
            self.durationChanged.emit(seconds)
            if self._position > seconds:
                self.seek(seconds)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._waiting_first_frame:
            self._waiting_first_frame = False
            # A stopped QMediaPlayer renders nothing; paused, it shows the frame at its position.
            self._qt.pause()
            self.seek(self._position)
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            # Qt stops at the end; paused on the last frame, seeks keep painting frames.
            QTimer.singleShot(0, self._rest_at_end)
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self.errorOccurred.emit(self._qt.errorString() or "the player cannot decode this file")

    def _rest_at_end(self) -> None:
        if not self.loaded:
            return
        self._qt.pause()
        last = self._clock.time_of(len(self._clock) - 1) if self._clock is not None else self._duration
        self.seek(last)

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playingChanged.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            log.warning("media player error %s: %s", error, message)
            self.errorOccurred.emit(message or str(error))
