"""A bad file gets one clear line in an error dialog; the app keeps working and no file is damaged."""

from __future__ import annotations

import json
import os

import pytest

from tests.gui.conftest import open_video


def _text_as_mp4(d):
    p = d / "notes.mp4"
    p.write_text("these are my notes, not a video\n")
    return p


def _truncated(d, src):
    p = d / "truncated.mp4"
    p.write_bytes(src.read_bytes()[:3000])
    return p


def _missing(d):
    return d / "gone.mp4"


def _directory(d):
    p = d / "folder.mp4"
    p.mkdir()
    return p


def _no_permission(d, src):
    if os.geteuid() == 0:
        pytest.skip("running as root: file permissions do not stop root from reading")
    p = d / "locked.mp4"
    p.write_bytes(src.read_bytes())
    p.chmod(0)
    return p


def _corrupt_project(d):
    p = d / "broken.vidmeta.json"
    p.write_text('{"format": "vidmeta-project", "schema_version": 2, "tiers": [{"id": 1', encoding="utf-8")
    return p


def _newer_project(d):
    p = d / "future.vidmeta.json"
    p.write_text(json.dumps({"format": "vidmeta-project", "schema_version": 99, "tiers": []}), encoding="utf-8")
    return p


def _project_without_video(d):
    p = d / "orphan.vidmeta.json"
    p.write_text(json.dumps({"format": "vidmeta-project", "schema_version": 2, "tiers": [],
                             "video": {"path": str(d / "vanished.mp4"), "size_bytes": 1, "fingerprint": "x"}}),
                 encoding="utf-8")
    return p


CASES = {
    "text renamed .mp4": (_text_as_mp4, "not a media file"),
    "truncated mp4": (_truncated, "truncated"),
    "missing": (_missing, "no such file"),
    "directory": (_directory, "is a directory"),
    "no permission": (_no_permission, "permission denied"),
    "corrupt project": (_corrupt_project, "corrupt project file"),
    "newer project": (_newer_project, "newer vidmeta"),
    "project whose video is gone": (_project_without_video, "is missing"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_shows_one_line_and_the_app_keeps_working(qtbot, window, dialogs, gui_video, tmp_path, case):
    make, expected = CASES[case]
    bad = make(tmp_path, gui_video) if make.__code__.co_argcount == 2 else make(tmp_path)
    before = bad.read_bytes() if bad.is_file() and os.access(bad, os.R_OK) else None

    assert window.open_path(bad) is False
    (message,) = dialogs.texts("error_dialog")
    assert expected in message
    assert "\n" not in message and "Traceback" not in message
    assert str(bad.name) in message
    if before is not None:
        assert bad.read_bytes() == before  # never rewritten
    assert window.session.video_path is None and window.isVisible()

    open_video(qtbot, window, gui_video, exact_clock=False)  # still works
    assert window.session.video_path == gui_video.resolve()


def test_a_bad_file_keeps_the_open_video(qtbot, window, dialogs, gui_video, tmp_path):
    open_video(qtbot, window, gui_video, exact_clock=False)
    doc = window.session.document
    assert window.open_path(_text_as_mp4(tmp_path)) is False
    assert window.session.document is doc and window.session.video_path == gui_video.resolve()
    assert len(dialogs.texts("error_dialog")) == 1
