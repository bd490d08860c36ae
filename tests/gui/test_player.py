"""Play, pause, frame-step and seek land on the real frame times, on generated and real media."""

from __future__ import annotations

import pytest

from tests.gui.conftest import FRAME_TOLERANCE, open_video, press, wait_frame
from PySide6.QtCore import Qt


def test_frame_clock_of_generated_video(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    clock = window.player.clock
    assert len(clock) == 100
    assert clock.times[:3] == pytest.approx([0.0, 0.04, 0.08])
    assert window.transport.frame_label.text() == "frame 1 / 100"


def test_seek_then_step_frames_by_keys(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    player, clock = window.player, window.player.clock
    player.seek(1.23)  # inside frame 30 (1.20 .. 1.24)
    wait_frame(qtbot, window, 1.20)
    assert player.position == pytest.approx(1.23)
    for expected_index in (31, 32, 33):
        press(window, Qt.Key.Key_Right)
        assert player.position == pytest.approx(clock.time_of(expected_index))
        wait_frame(qtbot, window, clock.time_of(expected_index))
    press(window, Qt.Key.Key_Left)
    wait_frame(qtbot, window, clock.time_of(32))
    assert window.transport.frame_label.text() == "frame 33 / 100"
    assert window.transport.time_label.text().startswith("0:01.280")


def test_jumps_and_ends(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    player = window.player
    player.seek(2.0)
    press(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # +1 s
    assert player.position == pytest.approx(3.0)
    wait_frame(qtbot, window, 3.0)
    press(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # -5 s, clamped at 0
    assert player.position == 0.0
    wait_frame(qtbot, window, 0.0)
    press(window, Qt.Key.Key_End)
    wait_frame(qtbot, window, 3.96)  # the last frame
    press(window, Qt.Key.Key_Right)  # no frame after the last
    assert player.position == pytest.approx(3.96)


def test_play_and_pause_land_on_a_frame(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    player, clock = window.player, window.player.clock
    player.set_rate(2.0)
    assert window.transport.speed.currentText() == "2×"
    press(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playing, timeout=5000)
    qtbot.waitUntil(lambda: player.position > 0.6, timeout=10000)
    press(window, Qt.Key.Key_Space)
    assert not player.playing
    paused_at = player.position
    assert paused_at >= 0.56  # the frame on screen when paused: at most one 40 ms frame back
    assert clock.snap(paused_at) == pytest.approx(paused_at)  # on a frame's PTS
    wait_frame(qtbot, window, paused_at)
    press(window, Qt.Key.Key_Right)
    assert player.position == pytest.approx(clock.time_of(clock.index_at(paused_at) + 1))


def test_speed_keys_cover_quarter_to_double(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video, exact_clock=False)
    for _ in range(6):
        press(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.player.rate == pytest.approx(0.25)
    for _ in range(8):
        press(window, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert window.player.rate == pytest.approx(2.0)
    press(window, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.player.rate == pytest.approx(1.0)


def test_real_variable_frame_rate_clip_steps_on_its_own_timestamps(qtbot, window, real_clip):
    from vidmeta.media import open_frames

    open_video(qtbot, window, real_clip)
    player, clock = window.player, window.player.clock
    with open_frames(real_clip) as reader:  # the decoder's own PTS, independent of the packet scan
        decoded = [reader.frame_by_index(i)[0] for i in range(8)]
    assert clock.times[:8] == pytest.approx(decoded, abs=FRAME_TOLERANCE)
    gaps = {round(b - a, 3) for a, b in zip(decoded, decoded[1:])}
    assert len(gaps) > 1, "this clip is expected to have uneven frame durations"
    player.seek(0.0)
    wait_frame(qtbot, window, decoded[0])
    for i in range(1, 8):
        press(window, Qt.Key.Key_Right)
        assert player.position == pytest.approx(decoded[i], abs=FRAME_TOLERANCE)
        wait_frame(qtbot, window, decoded[i])


def test_click_and_drag_on_the_ruler_seeks(qtbot, window, gui_video):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    open_video(qtbot, window, gui_video)
    canvas = window.timeline.canvas
    y = canvas.row_rect(canvas.rows[0]).center().y()
    x = canvas.scale.x_of(2.5)
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: abs(window.player.position - canvas.scale.t_of(int(x))) < 1e-6, timeout=2000)
    wait_frame(qtbot, window, window.player.clock.snap(window.player.position))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(int(x), int(y)))
    x2 = int(canvas.scale.x_of(1.0))
    QTest.mouseMove(canvas, QPoint(x2, int(y)))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x2, int(y)))
    qtbot.waitUntil(lambda: abs(window.player.position - canvas.scale.t_of(x2)) < 1e-6, timeout=2000)
    assert abs(canvas.playhead - window.player.position) < 1e-9


def test_playing_to_the_end_rests_on_the_last_frame(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    player = window.player
    player.seek(3.2)
    player.set_rate(2.0)
    player.play()
    qtbot.waitUntil(lambda: player.playing, timeout=5000)
    qtbot.waitUntil(lambda: not player.playing, timeout=10000)
    qtbot.waitUntil(lambda: player.position == pytest.approx(3.96), timeout=5000)
    wait_frame(qtbot, window, 3.96)
    press(window, Qt.Key.Key_Space)  # at the end, play starts again from the beginning
    qtbot.waitUntil(lambda: player.playing, timeout=5000)
    assert player.position < 1.0
    player.pause()


def test_audio_only_file(qtbot, window, audio_only):
    assert window.open_path(audio_only)
    canvas = window.timeline.canvas
    assert [r.kind.value for r in canvas.rows][:2] == ["ruler", "waveform"]  # no thumbnail strip
    assert window.player.clock is None and not window.video_view.has_frame
    assert not window.actions["find_speakers"].isEnabled()
    qtbot.waitUntil(lambda: canvas.waveform is not None, timeout=30000)
    window.player.seek(0.5)
    press(window, Qt.Key.Key_Right)  # no frames to step through: nothing moves
    assert window.player.position == pytest.approx(0.5)
    assert window.transport.frame_label.text() == "frame –"


def test_file_whose_timestamps_start_late_counts_from_zero(qtbot, window, offset_video):
    open_video(qtbot, window, offset_video)
    clock = window.player.clock
    assert clock.times[:2] == pytest.approx([0.0, 0.04]) and len(clock) == 50
    qtbot.waitUntil(lambda: window.player.duration == pytest.approx(2.0), timeout=5000)  # not 7 s
    assert window.timeline.canvas.scale.duration == pytest.approx(2.0)
    window.player.seek(1.0)
    wait_frame(qtbot, window, 1.0)
    press(window, Qt.Key.Key_Right)
    wait_frame(qtbot, window, 1.04)
    canvas = window.timeline.canvas
    qtbot.waitUntil(lambda: len(canvas.thumbnails) > 0, timeout=30000)
    times = [t for t, _ in canvas.thumbnails]
    assert 0.0 <= times[0] < 0.3 and times[-1] < 2.0 and len(set(times)) == len(times)  # not at 5 s
