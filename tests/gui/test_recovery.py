"""Autosave to a recovery file, and the offer to recover after a crash."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import annotation_tier, open_video
from vidmeta.config import app_paths
from vidmeta.store import load_project


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def fake_crash(store_folder, doc_path, meta_path) -> None:
    """Make this window's recovery files look like those of a process that died."""
    meta = json.loads(meta_path.read_text())
    meta["pid"] = dead_pid()
    crashed = store_folder / "999-crashed.recovery-meta.json"
    crashed.write_text(json.dumps(meta))
    doc_path.rename(store_folder / "999-crashed.recovery.vidmeta.json")
    meta_path.unlink()


def test_autosave_writes_unsaved_work_and_save_removes_it(qtbot, dialogs, gui_video):
    from vidmeta.gui.main_window import MainWindow

    win = MainWindow(autosave_interval_ms=200)
    qtbot.addWidget(win)
    win.show()
    open_video(qtbot, win, gui_video, exact_clock=False)
    store = win.documents.autosaver.store
    qtbot.wait(500)
    assert not store.document_path.exists()  # nothing unsaved, nothing written
    win.editing.create_segment(annotation_tier(win), 1.0, 2.0)
    qtbot.waitUntil(store.document_path.exists, timeout=3000)
    assert load_project(store.document_path) == win.session.document
    assert store.document_path.parent == app_paths().data_dir / "recovery"
    win.undo_action.trigger()  # back to the saved state: nothing to recover
    qtbot.waitUntil(lambda: not store.document_path.exists(), timeout=3000)
    win.close()


def test_recover_after_a_crash(qtbot, dialogs, gui_video):
    from vidmeta.gui.main_window import MainWindow

    crashed = MainWindow(autosave_interval_ms=100_000)
    qtbot.addWidget(crashed)
    open_video(qtbot, crashed, gui_video, exact_clock=False)
    crashed.editing.new_label("speech")
    crashed.editing.create_segment(annotation_tier(crashed), 1.0, 2.0)
    crashed.editing.apply_label("speech")
    lost_work = crashed.session.document
    store = crashed.documents.autosaver.store
    assert crashed.documents.autosaver.autosave()
    fake_crash(store.folder, store.document_path, store.meta_path)
    crashed.session.undo_stack.setClean()  # the "crashed" window goes away without asking
    crashed.close()

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    dialogs.answer = QMessageBox.StandardButton.Yes
    assert win.documents.offer_recovery()
    assert "did not close properly" in dialogs.texts("recover_dialog")[0]
    assert "generated.mp4" in dialogs.texts("recover_dialog")[0]
    assert win.session.document.tiers == lost_work.tiers and win.session.document.labels == lost_work.labels
    assert win.session.is_dirty and win.isWindowModified()
    assert win.session.video_path == gui_video.resolve()
    assert not list(store.folder.glob("999-crashed*"))  # taken over by this session's own file
    assert win.documents.autosaver.store.document_path.exists()
    dialogs.answer = QMessageBox.StandardButton.Discard
    win.close()
    assert not win.documents.autosaver.store.document_path.exists()


def test_discarding_the_offer_deletes_the_recovery_file(qtbot, dialogs, gui_video):
    from vidmeta.gui.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    open_video(qtbot, first, gui_video, exact_clock=False)
    first.editing.create_segment(annotation_tier(first), 1.0, 2.0)
    store = first.documents.autosaver.store
    first.documents.autosaver.autosave()
    fake_crash(store.folder, store.document_path, store.meta_path)
    first.session.undo_stack.setClean()
    first.close()

    win = MainWindow()
    qtbot.addWidget(win)
    dialogs.answer = QMessageBox.StandardButton.Cancel  # later: kept
    assert not win.documents.offer_recovery()
    assert list(store.folder.glob("999-crashed*"))
    dialogs.answer = QMessageBox.StandardButton.No  # discard
    assert not win.documents.offer_recovery()
    assert not list(store.folder.glob("999-crashed*"))
    assert win.session.video_path is None
    win.close()
