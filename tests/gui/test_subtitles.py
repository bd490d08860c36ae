"""Generating subtitles in the background, importing and exporting them, all as single undo steps."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import SHARED_DATA
from tests.gui.conftest import open_video
from vidmeta.domain import AsrOptions, Cue
from vidmeta.gui.worker import JobState


@pytest.fixture
def grid_clip():
    clip = SHARED_DATA / "grid" / "bbaf2n.mpg"
    if not clip.is_file():
        pytest.skip(f"real clip not available: {clip}")
    return clip


def test_generate_subtitles_is_one_undo_step_and_exports_round_trip(qtbot, window, grid_clip, tiny_whisper_pt,
                                                                    tmp_path):
    from vidmeta.io import import_subtitles

    open_video(qtbot, window, grid_clip, exact_clock=False)
    window.settings = replace(window.settings, whisper_model=str(tiny_whisper_pt), device="cpu")
    assert window.actions["transcribe"].isEnabled()
    assert not window.actions["export_srt"].isEnabled()  # no cues yet
    asr = replace(window.subtitles.asr_options(), temperatures=(0.0,), sample_len=16)
    assert asr.model == str(tiny_whisper_pt)
    history = window.session.undo_stack.count()
    job = window.subtitles.transcribe(asr=asr)
    qtbot.waitUntil(lambda: job.state.finished, timeout=120_000)
    assert job.state == JobState.DONE, job.details
    cues = window.session.document.cues
    assert cues, "the random model decoded nothing"
    assert window.session.undo_stack.count() == history + 1
    assert window.subtitles_dock.isVisible()
    assert window.subtitle_editor.table.rowCount() == len(cues)
    assert window.actions["export_srt"].isEnabled()
    first = window.subtitles.inference_session()
    assert first is window.subtitles.inference_session()  # one session: loaded models are kept

    window.session.undo_stack.undo()
    assert window.session.document.cues == ()
    assert window.subtitle_editor.table.rowCount() == 0
    window.session.undo_stack.redo()
    assert window.session.document.cues == cues

    window.actions["export_suspect"].setChecked(True)  # random speech may well be doubted: keep it all
    out = tmp_path / "generated.srt"
    assert window.subtitles.export("export_srt", out)
    back = import_subtitles(out)
    assert [(round(c.start, 3), round(c.end, 3), c.text) for c in back] == \
        [(round(c.start, 3), round(c.end, 3), c.text) for c in cues]


def test_import_replaces_cues_through_undo_and_exports_every_format(qtbot, window, gui_video, tmp_path):
    from vidmeta.io import export_subtitles

    open_video(qtbot, window, gui_video, exact_clock=False)
    source = tmp_path / "in.srt"
    export_subtitles([Cue(0.5, 1.5, "Hello there."), Cue(2.0, 3.0, "Goodbye.")], source)
    assert window.subtitles.import_subtitles(source)
    assert [c.text for c in window.session.document.cues] == ["Hello there.", "Goodbye."]
    window.player.seek(0.6)
    qtbot.waitUntil(lambda: window.video_view.subtitle == "Hello there.", timeout=5000)
    window.session.undo_stack.undo()
    assert window.session.document.cues == ()
    window.session.undo_stack.redo()
    for key, suffix in (("export_srt", ".srt"), ("export_vtt", ".vtt"), ("export_ass", ".ass"),
                        ("export_transcript_txt", ".txt"), ("export_transcript_json", ".json")):
        out = tmp_path / f"out{suffix}"
        assert window.subtitles.export(key, out)
        assert "Goodbye" in out.read_text(encoding="utf-8")


def test_suspect_cues_stay_out_of_exports_and_overlay_unless_kept(qtbot, window, gui_video, tmp_path):
    from vidmeta.gui.cue_edits import replace_cues

    open_video(qtbot, window, gui_video, exact_clock=False)
    doc = replace_cues(window.session.document, [Cue(0.5, 1.5, "Real words."),
                                                 Cue(2.0, 3.0, "Ghost words.", suspect=True, suspect_reason="silence")])
    window.session.apply(doc, "Cues")
    out = tmp_path / "plain.srt"
    window.subtitles.export("export_srt", out)
    assert "Ghost" not in out.read_text()
    window.actions["export_suspect"].setChecked(True)
    window.subtitles.export("export_srt", out)
    assert "Ghost" in out.read_text()
    window.player.seek(2.5)
    qtbot.waitUntil(lambda: abs(window.player.position - 2.5) < 0.05, timeout=5000)
    assert window.video_view.subtitle == ""
    window.subtitle_editor.select_cue(window.session.document.cues[1].id)
    assert window.subtitle_editor.keep()
    assert not window.session.document.cues[1].suspect
    assert window.video_view.subtitle == "Ghost words."
    window.session.undo_stack.undo()
    assert window.session.document.cues[1].suspect and window.video_view.subtitle == ""
