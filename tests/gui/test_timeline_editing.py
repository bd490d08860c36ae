"""Segments on the timeline: create, label, move, resize, split, merge and delete, by mouse and by
keys; undo and redo restore every state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.gui.conftest import annotation_tier, drag, open_video, press, tier_point

Key = Qt.Key
Mod = Qt.KeyboardModifier


def segments(win, tier_id):
    return [(s.start, s.end, s.label, s.text) for s in win.session.document.tier(tier_id).segments]


def undo_redo_restores(win, before, after):
    """Ctrl+Z shows `before`, Ctrl+Shift+Z shows `after` again."""
    assert win.session.document == after
    press(win, Key.Key_Z, Mod.ControlModifier)
    assert win.session.document == before
    press(win, Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    assert win.session.document == after


@pytest.fixture
def editor(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    return window


def px(win) -> float:
    """Seconds per pixel at the current zoom: the precision of a mouse edit."""
    return 1.0 / win.timeline.canvas.scale.pixels_per_second


def test_mouse_create_select_move_resize(editor):
    win, canvas = editor, editor.timeline.canvas
    tier = annotation_tier(win)
    tol = 1.5 * px(win)

    before = win.session.document
    drag(canvas, tier_point(win, tier, 0.5), tier_point(win, tier, 1.5))
    (start, end, _, _), = segments(win, tier)
    assert start == pytest.approx(0.5, abs=tol) and end == pytest.approx(1.5, abs=tol)
    seg_id = win.session.document.tier(tier).segments[0].id
    assert canvas.selected_ids == {seg_id}
    undo_redo_restores(win, before, win.session.document)
    assert "[*]" in win.windowTitle() and win.isWindowModified()

    press(win, Key.Key_Escape)
    assert canvas.selected_ids == set()
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Mod.NoModifier, tier_point(win, tier, 1.0))
    assert canvas.selected_ids == {seg_id}

    before = win.session.document
    drag(canvas, tier_point(win, tier, 1.0), tier_point(win, tier, 1.8))  # body: move
    (s2, e2, _, _), = segments(win, tier)
    assert s2 - start == pytest.approx(0.8, abs=tol) and e2 - s2 == pytest.approx(end - start, abs=1e-9)
    assert win.session.undo_stack.undoText() == "Move segment"
    undo_redo_restores(win, before, win.session.document)

    before = win.session.document
    drag(canvas, tier_point(win, tier, s2), tier_point(win, tier, 1.0))  # start edge
    (s3, e3, _, _), = segments(win, tier)
    assert s3 == pytest.approx(1.0, abs=tol) and e3 == e2
    undo_redo_restores(win, before, win.session.document)

    before = win.session.document
    drag(canvas, tier_point(win, tier, e3), tier_point(win, tier, 3.5))  # end edge
    (s4, e4, _, _), = segments(win, tier)
    assert s4 == s3 and e4 == pytest.approx(3.5, abs=tol)
    assert win.session.undo_stack.undoText() == "Resize segment"
    undo_redo_restores(win, before, win.session.document)


def test_keys_create_split_merge_delete(editor):
    win, player = editor, editor.player
    tier = annotation_tier(win)
    player.seek(0.4)
    press(win, Key.Key_I)
    for _ in range(10):
        press(win, Key.Key_Right)  # ten real frames: 0.40 s at 25 fps
    before = win.session.document
    press(win, Key.Key_O)
    assert segments(win, tier) == [(pytest.approx(0.4), pytest.approx(0.8), "", "")]
    undo_redo_restores(win, before, win.session.document)

    player.seek(0.6)
    before = win.session.document
    press(win, Key.Key_S)
    assert [(s, e) for s, e, *_ in segments(win, tier)] == [(pytest.approx(0.4), 0.6), (0.6, pytest.approx(0.8))]
    undo_redo_restores(win, before, win.session.document)

    press(win, Key.Key_Tab, Mod.ShiftModifier)  # the selection moves to the left part
    assert win.timeline.canvas.selected_segments()[0].end == 0.6
    before = win.session.document
    press(win, Key.Key_J)  # merge with the next one
    assert [(s, e) for s, e, *_ in segments(win, tier)] == [(pytest.approx(0.4), pytest.approx(0.8))]
    undo_redo_restores(win, before, win.session.document)

    before = win.session.document
    press(win, Key.Key_Delete)
    assert segments(win, tier) == []
    undo_redo_restores(win, before, win.session.document)


def test_keys_resize_and_nudge_on_real_frames(editor):
    win, player = editor, editor.player
    tier = annotation_tier(win)
    player.seek(1.0)
    press(win, Key.Key_I)
    player.seek(2.0)
    press(win, Key.Key_O)
    player.seek(1.2)
    before = win.session.document
    press(win, Key.Key_BracketLeft)  # start to the playhead
    assert segments(win, tier)[0][:2] == (1.2, 2.0)
    undo_redo_restores(win, before, win.session.document)
    player.seek(2.4)
    press(win, Key.Key_BracketRight)  # end to the playhead
    assert segments(win, tier)[0][:2] == (1.2, 2.4)
    before = win.session.document
    press(win, Key.Key_Right, Mod.AltModifier)  # one 40 ms frame later
    assert segments(win, tier)[0][:2] == (pytest.approx(1.24), pytest.approx(2.44))
    undo_redo_restores(win, before, win.session.document)
    press(win, Key.Key_Left, Mod.AltModifier)
    press(win, Key.Key_Left, Mod.AltModifier)
    assert segments(win, tier)[0][:2] == (pytest.approx(1.16), pytest.approx(2.36))


def test_label_by_hotkey_and_by_panel_and_edit_text(editor, monkeypatch):
    win = editor
    tier = annotation_tier(win)
    assert win.label_panel.hint.isVisible()  # how to add labels, while there are none
    assert win.editing.new_label("speech") and win.editing.new_label("music")
    assert not win.label_panel.hint.isVisible()
    labels = {lab.name: lab.hotkey for lab in win.session.document.labels}
    assert labels == {"speech": 1, "music": 2}
    assert win.label_panel.list.count() == 2
    win.editing.create_segment(tier, 0.5, 1.0)
    before = win.session.document
    press(win, Key.Key_2)
    assert segments(win, tier)[0][2] == "music"
    undo_redo_restores(win, before, win.session.document)

    item = win.label_panel.list.item(0)
    rect = win.label_panel.list.visualItemRect(item)
    viewport = win.label_panel.list.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Mod.NoModifier, rect.center())
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Mod.NoModifier, rect.center())
    assert segments(win, tier)[0][2] == "speech"
    press(win, Key.Key_2)
    QTest.mouseClick(win.label_panel.apply_button, Qt.MouseButton.LeftButton)  # "speech" is current
    assert segments(win, tier)[0][2] == "speech"
    press(win, Key.Key_0)
    assert segments(win, tier)[0][2] == ""

    from vidmeta.gui import dialogs

    monkeypatch.setattr(dialogs, "edit_text", lambda *a: "hello there")
    before = win.session.document
    press(win, Key.Key_F2)
    assert segments(win, tier)[0][3] == "hello there"
    undo_redo_restores(win, before, win.session.document)


def test_mouse_multi_select_merge_and_context_free_delete(editor):
    win, canvas = editor, editor.timeline.canvas
    tier = annotation_tier(win)
    for a, b in ((0.2, 0.6), (1.0, 1.4), (2.0, 2.4)):
        win.editing.create_segment(tier, a, b)
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Mod.NoModifier, tier_point(win, tier, 0.4))
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Mod.ControlModifier, tier_point(win, tier, 2.2))
    assert len(canvas.selected_ids) == 2
    before = win.session.document
    win.actions["merge"].trigger()
    assert [(s, e) for s, e, *_ in segments(win, tier)] == [(0.2, 2.4), (1.0, 1.4)]
    undo_redo_restores(win, before, win.session.document)
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Mod.NoModifier, tier_point(win, tier, 0.3))
    press(win, Key.Key_Backspace)
    assert [(s, e) for s, e, *_ in segments(win, tier)] == [(1.0, 1.4)]


def test_click_on_empty_row_seeks_and_zoom_keeps_time_under_mouse(editor):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    win, canvas = editor, editor.timeline.canvas
    tier = annotation_tier(win)
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Mod.NoModifier, tier_point(win, tier, 3.0))
    assert win.player.position == pytest.approx(3.0, abs=1.5 * px(win))
    assert segments(win, tier) == []
    x = tier_point(win, tier, 2.0).x()
    t_before = canvas.scale.t_of(x)
    pps = canvas.scale.pixels_per_second
    pos = QPointF(x, 40)
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(), QPoint(0, 240), Qt.MouseButton.NoButton,
                        Mod.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, event)
    assert canvas.scale.pixels_per_second > pps * 1.5
    assert canvas.scale.t_of(x) == pytest.approx(t_before, abs=1e-6)
    assert win.timeline.hbar.maximum() > 0  # zoomed in: there is something to scroll to
    win.timeline.hbar.setValue(win.timeline.hbar.maximum())
    assert canvas.scale.offset == pytest.approx(canvas.scale.max_offset, abs=1e-3)
    press(win, Key.Key_0, Mod.ControlModifier)
    assert canvas.scale.offset == 0 and canvas.scale.pixels_per_second == pytest.approx(pps)


def test_tiers_and_suggestions_by_keys(editor, monkeypatch):
    from dataclasses import replace

    from vidmeta.domain import Segment, SegmentSource, Tier, TierKind
    from vidmeta.gui import dialogs

    win, canvas = editor, editor.timeline.canvas
    tier = annotation_tier(win)
    suggestions = Tier("Model", TierKind.SUGGESTION, (
        Segment(1.0, 2.0, "speech", confidence=0.9, source=SegmentSource.MODEL, id="m1"),
        Segment(2.5, 3.0, "speech", confidence=0.4, source=SegmentSource.MODEL, id="m2")))
    win.session.apply(replace(win.session.document, tiers=(*win.session.document.tiers, suggestions)), "Add")
    assert canvas.current_tier == tier
    press(win, Key.Key_Down)
    assert canvas.current_tier == suggestions.id
    press(win, Key.Key_A, Mod.ControlModifier)  # select all in the tier
    assert canvas.selected_ids == {"m1", "m2"}
    before = win.session.document
    press(win, Key.Key_A)  # accept
    accepted = win.session.document.tier(tier).segments
    assert [(s.id, s.source, s.confidence) for s in accepted] == [("m1", SegmentSource.USER, None),
                                                                 ("m2", SegmentSource.USER, None)]
    undo_redo_restores(win, before, win.session.document)

    monkeypatch.setattr(dialogs, "ask_name", lambda *a: "Gestures")
    press(win, Key.Key_T, Mod.ControlModifier)
    assert [t.name for t in win.session.document.tiers] == ["Annotations", "Model", "Gestures"]
    monkeypatch.setattr(dialogs, "ask_name", lambda *a: "Hands")
    press(win, Key.Key_F2, Mod.ShiftModifier)
    assert win.session.document.tiers[-1].name == "Hands"
    before = win.session.document
    press(win, Key.Key_Delete, Mod.ControlModifier | Mod.ShiftModifier)
    assert [t.name for t in win.session.document.tiers] == ["Annotations", "Model"]
    undo_redo_restores(win, before, win.session.document)
