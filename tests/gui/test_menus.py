"""Menus: every action has a shortcut listed in Help > Keyboard shortcuts; the Export menu lists the
finished formats, and they write real files; ELAN .eaf goes out and comes back."""

from __future__ import annotations

import csv
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from tests.gui.conftest import annotation_tier, open_video, press
from vidmeta.domain import TierKind


def menu_actions(menu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from menu_actions(action.menu())
        elif not action.isSeparator():
            yield action


def test_every_menu_action_has_a_unique_shortcut_listed_in_help(qtbot, window):
    actions = [a for m in window.menuBar().actions() for a in menu_actions(m.menu())]
    assert len(actions) > 50
    keys = {}
    for action in actions:
        assert action.shortcuts(), f"{action.text()!r} has no shortcut"
        for seq in action.shortcuts():
            assert seq.toString() not in keys, f"{seq.toString()} is used by {keys.get(seq.toString())} too"
            keys[seq.toString()] = action.text()
    press(window, Qt.Key.Key_F1)
    dialog = window.findChild(type(window.show_shortcuts()).__mro__[0], "shortcuts_dialog")
    listed = {dialog.table.item(i, 1).text() for i in range(dialog.table.rowCount())}
    for action in actions:
        name = action.text().replace("&", "").rstrip("…")
        assert name in listed, f"{name!r} missing from the shortcuts list"
    dialog.filter.setText("split")
    visible = [i for i in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(i)]
    assert [dialog.table.item(i, 1).text() for i in visible] == ["Split at Playhead"]


def test_export_menu_has_only_finished_formats(window):
    export = next(a.menu() for a in window.menus["File"].actions() if a.menu() and a.text() == "Export")
    names = [a.text() for a in export.actions()]
    assert names == ["Project as JSON…", "Annotations as CSV…", "Annotations as ELAN .eaf…",
                     "Subtitles as SRT…", "Subtitles as WebVTT…", "Subtitles as ASS…", "Transcript as Text…",
                     "Transcript as JSON…", "Keep Suspect Cues in Exports", "Current Frame as PNG…"]
    assert not window.actions["export_csv"].isEnabled()  # nothing open yet
    assert not window.actions["export_srt"].isEnabled()


@pytest.fixture
def annotated(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video, exact_clock=False)
    tier = annotation_tier(window)
    window.editing.new_label("speech")
    window.editing.create_segment(tier, 0.5, 1.0)
    window.editing.apply_label("speech")
    window.editing.edit_text(text="hello")
    window.editing.create_segment(tier, 2.0, 3.25)
    return window


def answer_save_dialog(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_exports_write_files(qtbot, annotated, monkeypatch, tmp_path):
    win = annotated
    answer_save_dialog(monkeypatch, tmp_path / "a.csv")
    press(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    rows = list(csv.DictReader((tmp_path / "a.csv").open()))
    assert [(r["start"], r["end"], r["label"], r["text"]) for r in rows] == [
        ("0.500", "1.000", "speech", "hello"), ("2.000", "3.250", "", "")]

    answer_save_dialog(monkeypatch, tmp_path / "p.json")
    win.actions["export_project"].trigger()
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["format"] == "vidmeta-project" and len(data["tiers"][0]["segments"]) == 2
    assert win.session.project_path is None and win.session.is_dirty  # an export is not a save

    win.player.seek(1.0)
    qtbot.waitUntil(lambda: win.video_view.frame_pts == pytest.approx(1.0), timeout=5000)
    answer_save_dialog(monkeypatch, tmp_path / "frame.png")
    win.actions["save_frame"].trigger()
    image = QImage(str(tmp_path / "frame.png"))
    assert (image.width(), image.height()) == (320, 180)


def test_eaf_export_then_import_round_trips(qtbot, annotated, monkeypatch, tmp_path):
    win = annotated
    original = win.session.document.tiers[0]
    answer_save_dialog(monkeypatch, tmp_path / "a.eaf")
    press(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "a.eaf").is_file()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "a.eaf"), ""))
    press(win, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    tiers = win.session.document.tiers
    assert [t.name for t in tiers] == ["Annotations", "Annotations (2)"]
    imported = tiers[1]
    assert imported.kind == TierKind.ANNOTATION
    assert [(s.start, s.end, s.label, s.text) for s in imported.segments] == \
        [(s.start, s.end, s.label, s.text) for s in original.segments]
    assert win.session.undo_stack.undoText() == "Import a.eaf"
    win.undo_action.trigger()
    assert len(win.session.document.tiers) == 1


def test_import_of_a_bad_eaf_says_why(qtbot, annotated, dialogs, tmp_path):
    bad = tmp_path / "bad.eaf"
    bad.write_text("<not-elan>")
    assert not annotated.documents.import_eaf(bad)
    (message,) = dialogs.texts("error_dialog")
    assert "bad.eaf" in message and "\n" not in message
