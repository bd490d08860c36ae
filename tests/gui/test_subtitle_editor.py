"""The subtitle editor panel: every edit is one undo step, the table follows playback, a click seeks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from tests.gui.conftest import open_video
from vidmeta.domain import Cue
from vidmeta.gui.cue_edits import replace_cues
from vidmeta.gui.subtitle_editor import END, START, TEXT, WARNINGS, format_cue_time, parse_cue_time


@pytest.fixture
def editor(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video, exact_clock=False)
    cues = [Cue(0.4, 1.4, "hello big world", speaker="Speaker 1"),
            Cue(1.6, 2.4, "the weather today", speaker="Speaker 2"),
            Cue(2.6, 3.6, "hello again, world", speaker="Speaker 1")]
    window.session.apply(replace_cues(window.session.document, cues), "Cues")
    window.actions["toggle_subtitles"].trigger()
    assert window.subtitles_dock.isVisible()
    return window.subtitle_editor


def texts(window) -> list[str]:
    return [c.text for c in window.session.document.cues]


def assert_undo_redo(window, before, after) -> None:
    """One undo step goes back to `before` exactly, redo to `after`."""
    window.session.undo_stack.undo()
    assert window.session.document.cues == before
    window.session.undo_stack.redo()
    assert window.session.document.cues == after


def test_times_are_shown_and_parsed_to_the_millisecond():
    assert format_cue_time(62.5) == "1:02.500"
    assert format_cue_time(3725.004) == "1:02:05.004"
    assert parse_cue_time("1:02.500") == pytest.approx(62.5)
    assert parse_cue_time("1:02:05,004") == pytest.approx(3725.004)
    assert parse_cue_time("7.25") == pytest.approx(7.25)
    with pytest.raises(ValueError):
        parse_cue_time("soon")


def test_edit_text_and_times_in_place(window, editor):
    before = window.session.document.cues
    editor.table.item(0, TEXT).setText("Hello, big world.")
    after = window.session.document.cues
    assert after[0].text == "Hello, big world."
    assert_undo_redo(window, before, after)
    editor.table.item(1, START).setText("0:01.500")
    editor.table.item(1, END).setText("0:02.500")
    assert (window.session.document.cues[1].start, window.session.document.cues[1].end) == (1.5, 2.5)
    assert window.session.undo_stack.undoText() == "Set cue end"
    editor.table.item(1, END).setText("nonsense")  # refused: the table shows the cue as it is
    assert window.session.document.cues[1].end == 2.5
    assert editor.table.item(1, END).text() == "0:02.500"


def test_shift_split_merge_delete_each_one_undo_step(window, editor):
    before = window.session.document.cues
    assert editor.shift(0.25)  # nothing selected: all cues move
    shifted = window.session.document.cues
    assert [c.start for c in shifted] == pytest.approx([0.65, 1.85, 2.85])
    assert_undo_redo(window, before, shifted)

    editor.select_cue(shifted[1].id)
    assert editor.shift(-0.1)  # only the selected one
    assert [c.start for c in window.session.document.cues] == pytest.approx([0.65, 1.75, 2.85])
    window.session.undo_stack.undo()

    editor.select_cue(shifted[0].id)
    window.player.seek(1.2)
    assert editor.split()
    split = window.session.document.cues
    assert len(split) == 4 and split[0].end == pytest.approx(1.2) and split[1].start == pytest.approx(1.2)
    assert " ".join(c.text for c in split[:2]).split() == "hello big world".split()
    assert_undo_redo(window, shifted, split)

    editor.select_cue(split[0].id)
    assert editor.merge_next()
    merged = window.session.document.cues
    assert texts(window)[0] == split[0].text + " " + split[1].text and merged[0].end == split[1].end
    assert_undo_redo(window, split, merged)

    editor.select_cue(merged[-1].id)
    assert not editor.merge_next()  # the last cue has no next one; nothing changes
    assert window.session.document.cues == merged
    assert editor.delete()
    assert len(window.session.document.cues) == len(merged) - 1
    assert_undo_redo(window, merged, window.session.document.cues)


def test_rename_speaker_and_find_replace_cover_the_whole_video(window, editor):
    before = window.session.document.cues
    assert editor.rename_speaker("Speaker 1", "Anna")
    renamed = window.session.document.cues
    assert [c.speaker for c in renamed] == ["Anna", "Speaker 2", "Anna"]
    assert window.session.undo_stack.count() == 2
    assert_undo_redo(window, before, renamed)
    assert editor.find_replace("HELLO", "Goodbye") == 2
    assert texts(window) == ["Goodbye big world", "the weather today", "Goodbye again, world"]
    assert_undo_redo(window, renamed, window.session.document.cues)
    assert editor.table.item(0, TEXT).text() == "Goodbye big world"


def test_table_follows_playback_and_a_click_seeks(qtbot, window, editor):
    window.player.seek(1.9)
    qtbot.waitUntil(lambda: editor.current_row == 1, timeout=5000)
    assert editor.table.item(1, TEXT).background().color() == QColor("#fff2a8")
    assert editor.table.item(0, TEXT).background().style() == Qt.BrushStyle.NoBrush
    rect = editor.table.visualItemRect(editor.table.item(2, TEXT))
    QTest.mouseClick(editor.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: abs(window.player.position - 2.6) < 0.05, timeout=5000)
    assert editor.current_row == 2
    assert editor.selected_ids() == [window.session.document.cues[2].id]


def test_warnings_column_names_readability_problems(window, editor):
    editor.table.item(1, TEXT).setText("a line far too long to be read in the little time this cue is on screen")
    assert "CPS" in editor.table.item(1, WARNINGS).text()
    assert editor.table.item(0, WARNINGS).text() == ""


def test_selection_of_several_cues_survives_an_edit(window, editor):
    first, _, last = window.session.document.cues
    editor.select_cue(first.id)
    editor.table.selectRow(2)  # as a Ctrl+click adds a row
    editor.table.selectionModel().select(editor.table.model().index(0, 0),
                                         editor.table.selectionModel().SelectionFlag.Select
                                         | editor.table.selectionModel().SelectionFlag.Rows)
    assert editor.selected_ids() == [first.id, last.id]
    assert editor.shift(1.0)
    assert editor.selected_ids() == [first.id, last.id]
    assert [c.start for c in window.session.document.cues] == pytest.approx([1.4, 1.6, 3.6])
