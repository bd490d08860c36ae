"""Summary > Summarize Video: chapters into the document (list and editable tier) as one undo step,
the Summary panel with clickable timestamps, the storyboard and the chapter list."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QUrl

from tests.gui.conftest import open_video
from tests.summary.conftest import CUTS, chaptered_video  # noqa: F401 (a fixture)
from vidmeta.domain import TierKind
from vidmeta.gui.worker import JobState
from vidmeta.io.subtitles import import_subtitles


def test_summarize_fills_the_panel_and_the_chapters_tier(qtbot, window, dialogs, chaptered_video, tmp_path):
    video, transcript = chaptered_video
    open_video(qtbot, window, video, exact_clock=False)
    doc = window.session.document
    window.session.apply(dataclasses.replace(doc, cues=tuple(import_subtitles(transcript))), "Import subtitles")
    window.actions["summarize"].trigger()
    qtbot.waitUntil(lambda: any(j.title.startswith("Summarize") and j.state.finished
                                for j in window.inference_jobs.jobs()), timeout=60000)
    assert dialogs.texts("error_dialog") == []
    doc = window.session.document
    starts = [c.start for c in doc.chapters]
    assert len(starts) == 4 and all(abs(s - cut) <= 1.0 for s, cut in zip(starts[1:], CUTS)), starts
    tier = next(t for t in doc.tiers if t.kind == TierKind.CHAPTER)
    assert [s.text for s in tier.segments] == [c.title for c in doc.chapters] == ["Pasta", "Match", "Saturn", "Tomatoes"]
    assert window.timeline.canvas.tier_row(tier.id) is not None
    assert doc.summary.startswith("[00:")
    panel = window.summary_panel
    assert window.summary_dock.isVisible() and panel.chapters.count() == 4
    assert "Boil the pasta" in panel.text.toPlainText() or "pasta" in panel.text.toPlainText().lower()
    assert panel.storyboard.pixmap() is not None and not panel.storyboard.pixmap().isNull()

    # A timestamp in the summary, and a chapter in the list, move the playhead there.
    panel.text.anchorClicked.emit(QUrl("seek:16.000"))
    qtbot.waitUntil(lambda: abs(window.player.position - 16.0) < 0.2, timeout=5000)
    panel.chapters.itemClicked.emit(panel.chapters.item(1))
    qtbot.waitUntil(lambda: abs(window.player.position - starts[1]) < 0.2, timeout=5000)

    # Export writes the files, reading the chapters as edited in the tier.
    job = window.summaries.export(tmp_path / "out")
    qtbot.waitUntil(lambda: job.state.finished, timeout=60000)
    assert job.state == JobState.DONE, job.error
    assert (tmp_path / "out" / "chapters.txt").read_text().splitlines()[1] == "00:08 Match"
    assert (tmp_path / "out" / "reel.mp4").is_file() and (tmp_path / "out" / "storyboard.png").is_file()

    window.undo_action.trigger()
    assert window.session.document.chapters == () and not any(
        t.kind == TierKind.CHAPTER for t in window.session.document.tiers)
