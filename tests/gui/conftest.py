"""Fixtures for the desktop app's tests: generated media, a main window, and answered dialogs.

The tests run under QT_QPA_PLATFORM=offscreen. Modal message boxes are answered by the `dialogs`
fixture (which records what they said), so no test ever blocks on one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_XCB_GL_INTEGRATION", "none")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from tests.conftest import SHARED_DATA, ffmpeg  # noqa: E402

FRAME_TOLERANCE = 1e-3  # seconds: Qt reports frame times in microseconds, PTS lists in seconds


@pytest.fixture(scope="session")
def gui_video(tmp_path_factory) -> Path:
    """4 s, 320x180, 25 fps (frame n at n/25 s), moving picture, 440 Hz tone: h264 + AAC in mp4."""
    out = tmp_path_factory.mktemp("gui-media") / "generated.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=4:sample_rate=22050",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25",
        "-c:a", "aac", "-shortest", str(out),
    )
    return out


@pytest.fixture(scope="session")
def real_clip() -> Path:
    """A real recording with a variable frame rate (22.25 fps average, first frame at 0.033 s)."""
    clip = SHARED_DATA / "talking" / "face1.mp4"
    if not clip.is_file():
        pytest.skip(f"real clip not available: {clip} is absent (../shared/data sits beside the repo)")
    return clip


@dataclass
class DialogAnswers:
    """What the patched message boxes were asked, and what they answer."""

    shown: list[tuple[str, str]] = field(default_factory=list)  # (object name, text + informative text)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Discard

    def texts(self, name: str | None = None) -> list[str]:
        return [t for n, t in self.shown if name is None or n == name]


@pytest.fixture
def dialogs(monkeypatch) -> DialogAnswers:
    answers = DialogAnswers()

    def fake_exec(box: QMessageBox) -> int:
        answers.shown.append((box.objectName(), f"{box.text()}\n{box.informativeText()}".strip()))
        if box.objectName() == "error_dialog":
            return int(QMessageBox.StandardButton.Ok.value)
        return int(answers.answer.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return answers


@pytest.fixture
def window(qtbot, dialogs):
    from vidmeta.gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    dialogs.answer = QMessageBox.StandardButton.Discard
    win.close()


def open_video(qtbot, win, path: Path, *, exact_clock: bool = True) -> None:
    """Open and wait for the first frame (and the exact frame times from the background scan)."""
    assert win.open_path(path), "open_path failed"
    qtbot.waitUntil(lambda: win.player.frame_time is not None, timeout=15000)
    if exact_clock:
        qtbot.waitUntil(lambda: win.player.clock is not None and win.player.clock.exact, timeout=15000)


def wait_frame(qtbot, win, t: float) -> None:
    """Wait until the frame with PTS t is the one painted."""
    qtbot.waitUntil(lambda: win.player.frame_time is not None and abs(win.player.frame_time - t) < FRAME_TOLERANCE,
                    timeout=10000)
    assert win.video_view.frame_pts is not None and abs(win.video_view.frame_pts - t) < FRAME_TOLERANCE


def tier_point(win, tier_id: str, t: float) -> QPoint:
    canvas = win.timeline.canvas
    row = canvas.tier_row(tier_id)
    rect = canvas.row_rect(row)
    return QPointF(canvas.scale.x_of(t), rect.center().y()).toPoint()


def drag(canvas, start: QPoint, end: QPoint, modifiers=Qt.KeyboardModifier.NoModifier, steps: int = 6) -> None:
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, modifiers, start)
    for i in range(1, steps + 1):
        p = start + (end - start) * (i / steps)
        QTest.mouseMove(canvas, p)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, modifiers, end)


def press(win, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered to the focused timeline, as a user types it."""
    canvas = win.timeline.canvas
    canvas.setFocus()
    QTest.keyClick(canvas, key, modifiers)


def annotation_tier(win) -> str:
    from vidmeta.domain import TierKind

    return next(t.id for t in win.session.document.tiers if t.kind == TierKind.ANNOTATION)


@pytest.fixture(scope="session")
def cut_video(tmp_path_factory) -> Path:
    """4 s at 25 fps with one hard cut at 2.0 s (test pattern, then colour bars), with a tone."""
    out = tmp_path_factory.mktemp("gui-cut") / "cut.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "smptebars=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=330:duration=4:sample_rate=22050",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p[v]",
        "-map", "[v]", "-map", "2:a", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
        "-c:a", "aac", "-shortest", str(out),
    )
    return out


@pytest.fixture(scope="session")
def offset_video(tmp_path_factory) -> Path:
    """2 s at 25 fps whose timestamps start at 5 s (as in MPEG-TS captures); players show 0:00."""
    out = tmp_path_factory.mktemp("gui-offset") / "offset.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2", "-c:v", "libx264", "-preset",
           "veryfast", "-pix_fmt", "yuv420p", "-output_ts_offset", "5", str(out))
    return out


# The tiny random whisper checkpoint of the speech tests: subtitles are generated through the real path.
from tests.speech.conftest import tiny_whisper_pt  # noqa: E402,F401


class EventLoopProbe:
    """A 10 ms timer on the GUI thread recording the gaps between its ticks: how long the window
    went without handling events. Use as a context manager around the work to watch."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        import time

        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def __enter__(self) -> "EventLoopProbe":
        import time

        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)
