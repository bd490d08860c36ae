"""Save, close and reopen; the dirty flag; unsaved work on close; recent files; drag and drop."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from tests.gui.conftest import annotation_tier, open_video, press
from vidmeta.store import default_project_path, document_to_dict, load_project


@pytest.fixture
def video(gui_video, tmp_path):
    """A private copy, so that the project saved beside it belongs to this test."""
    copy = tmp_path / "clip.mp4"
    copy.write_bytes(gui_video.read_bytes())
    return copy


def make_edits(win):
    tier = annotation_tier(win)
    win.editing.new_label("speech")
    win.editing.create_segment(tier, 0.5, 1.25)
    win.editing.create_segment(tier, 2.0, 3.0)
    win.editing.apply_label("speech")
    win.editing.new_tier("Gestures")
    win.editing.create_segment(win.timeline.canvas.current_tier, 1.0, 2.0)
    win.editing.edit_text(text="waves")


def test_save_close_reopen_gives_the_same_document(qtbot, window, video, dialogs):
    open_video(qtbot, window, video, exact_clock=False)
    assert not window.isWindowModified()
    make_edits(window)
    assert window.isWindowModified() and window.session.is_dirty
    edited = window.session.document
    press(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    project = default_project_path(video)
    assert project.is_file() and window.session.project_path == project
    assert not window.isWindowModified()
    assert window.windowTitle().startswith("clip.mp4.vidmeta.json")
    press(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.session.video_path is None and dialogs.shown == []
    open_video(qtbot, window, video, exact_clock=False)  # the project beside the video is found
    assert document_to_dict(window.session.document) == document_to_dict(edited)
    assert not window.session.is_dirty
    window.documents.close_document()
    open_video(qtbot, window, project, exact_clock=False)  # or opened directly
    assert window.session.document == load_project(project)
    assert document_to_dict(window.session.document) == document_to_dict(edited)


def test_undo_back_to_the_saved_state_is_clean(qtbot, window, video):
    open_video(qtbot, window, video, exact_clock=False)
    window.editing.create_segment(annotation_tier(window), 1.0, 2.0)
    window.documents.save()
    window.editing.create_segment(annotation_tier(window), 2.5, 3.0)
    assert window.isWindowModified()
    press(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not window.isWindowModified()


def test_closing_with_unsaved_work_asks(qtbot, window, video, dialogs):
    open_video(qtbot, window, video, exact_clock=False)
    make_edits(window)
    dialogs.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert window.isVisible() and window.session.is_dirty
    assert "Save the changes to clip.mp4" in dialogs.texts("save_changes_dialog")[0]
    dialogs.answer = QMessageBox.StandardButton.Save
    edited = window.session.document
    assert window.close()
    assert load_project(default_project_path(video)) == edited


def test_save_as_and_recent_files(qtbot, window, video, tmp_path, monkeypatch):
    open_video(qtbot, window, video, exact_clock=False)
    window.editing.create_segment(annotation_tier(window), 1.0, 2.0)
    target = tmp_path / "elsewhere" / "mine"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    press(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    saved = target.with_name("mine.vidmeta.json")
    assert saved.is_file() and window.session.project_path == saved
    assert not default_project_path(video).exists()
    recent = [a.toolTip() for a in window.recent_menu.actions()]
    assert recent[:2] == [str(saved.resolve()), str(video.resolve())]
    window.documents.close_document()
    window.recent_menu.actions()[1].trigger()  # the video: its own (empty) project, not "mine"
    assert window.session.project_path is None
    window.recent_menu.actions()[0].trigger()  # "mine" is now second
    assert window.session.project_path in (saved, None)


def test_drop_a_file_opens_it(qtbot, window, video):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(video))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: window.session.video_path == video.resolve(), timeout=5000)


def test_a_damaged_project_beside_the_video_is_left_untouched(qtbot, window, video, dialogs, monkeypatch, tmp_path):
    project = default_project_path(video)
    project.write_text('{"format": "vidmeta-project", "schema_version": 2, "tiers": [', encoding="utf-8")
    damaged = project.read_bytes()
    open_video(qtbot, window, video, exact_clock=False)
    assert "corrupt project file" in dialogs.texts("error_dialog")[0]
    window.editing.create_segment(annotation_tier(window), 1.0, 2.0)
    chosen = tmp_path / "rescued.vidmeta.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    assert window.documents.save()  # asks where instead of overwriting the damaged file
    assert project.read_bytes() == damaged
    assert json.loads(chosen.read_text())["tiers"][0]["segments"][0]["start"] == 1.0
