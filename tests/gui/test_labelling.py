"""Few-shot labelling in the window: label a few segments of a real clip, Suggest, review the
suggestions by keyboard (accept, reject, ask me next), undo, and the refresh after each answer."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.conftest import SHARED_DATA
from tests.gui.conftest import EventLoopProbe, open_video
from vidmeta.domain import Label, SegmentSource, TierKind
from vidmeta.gui import edits
from vidmeta.gui.worker import JobState
from vidmeta.labelling import least_certain_window


@pytest.fixture(scope="module")
def scenes_clip():
    clip = SHARED_DATA / "scenes" / "testvideo.mp4"
    if not clip.is_file():
        pytest.skip(f"real clip not available: {clip} is absent (../shared/data sits beside the repo)")
    return clip


def _label(window, *segments):
    doc = window.session.document
    for name, color, key in (("first shot", "#e6194b", 1), ("middle shot", "#4363d8", 2), ("third shot", "#3cb44b", 3)):
        if doc.label(name) is None:
            doc = edits.add_label(doc, Label(name, color, key))
    doc, tier_id = edits.ensure_annotation_tier(doc)
    for start, end, label in segments:
        doc, _ = edits.create_segment(doc, tier_id, start, end, label=label)
    window.session.apply(doc, "Label examples")
    return tier_id


def _tier(window, kind):
    return next((t for t in window.session.document.tiers if t.kind == kind), None)


def _press(window, key, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(window.timeline.canvas, key, modifier)


def _wait_jobs(qtbot, window, title_prefix, count):
    qtbot.waitUntil(lambda: sum(1 for j in window.inference_jobs.jobs()
                                if j.title.startswith(title_prefix) and j.state == JobState.DONE) >= count,
                    timeout=60000)


def test_suggest_review_and_undo_on_a_real_clip(qtbot, window, dialogs, scenes_clip):
    open_video(qtbot, window, scenes_clip, exact_clock=False)
    # the shots (scenedetect, tests/test_shots.py): 1.0-6.0, 6.0-13.1, 13.1-23.1 s
    annotations = _label(window, (1.5, 2.5, "first shot"), (3.0, 4.0, "first shot"),
                         (7.0, 8.5, "middle shot"), (9.5, 10.5, "middle shot"),
                         (14.0, 15.5, "third shot"), (16.5, 18.0, "third shot"))
    window.timeline.canvas.setFocus()
    with EventLoopProbe() as probe:
        _press(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # Labels > Suggest Labels
        _wait_jobs(qtbot, window, "Suggest labels", 1)
    # Never frozen: the work is on the worker. (The first job of a session loads torch and the
    # feature models there, which hold the GIL for up to about 0.3 s at a time; see the note.)
    assert len(probe.gaps) > 50 and probe.longest < 1.0, probe.longest
    suggestions = _tier(window, TierKind.SUGGESTION)
    assert suggestions is not None and suggestions.segments, dialogs.shown
    assert all(s.source == SegmentSource.MODEL and 0.5 <= s.confidence <= 1.0 for s in suggestions.segments)
    assert window.timeline.canvas.tier_row(suggestions.id) is not None  # the row is on the timeline
    first = [s for s in suggestions.segments if s.label == "first shot"]
    middle = [s for s in suggestions.segments if s.label == "middle shot"]
    assert first and all(s.start >= 4.0 and s.end <= 6.5 for s in first), suggestions.segments
    assert middle and all(s.start >= 10.5 and s.end <= 13.5 for s in middle), suggestions.segments
    undo_depth = window.session.undo_stack.count()

    # Ask me next selects a suggestion (or says it does not know) and moves the playhead there.
    latest = window.labelling.latest
    expected = float(latest.descriptors.grid.centres[least_certain_window(latest.scores, latest.examples)])
    _press(window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: abs(window.player.position - expected) < 0.05, timeout=5000)
    status = window.status_message.text()
    selected = window.timeline.canvas.selected_segments()
    assert (status.startswith("Is this") and len(selected) == 1) or (status.startswith("Not sure") and not selected)

    # Accept the first-shot suggestion: it becomes the user's, then the suggestions refresh.
    target = first[0]
    window.timeline.canvas.set_current_tier(suggestions.id)
    window.timeline.canvas.select(suggestions.id, {target.id})
    _press(window, Qt.Key.Key_A)
    accepted = [s for s in window.session.document.tier(annotations).segments if s.start == target.start]
    assert accepted and accepted[0].source == SegmentSource.USER and accepted[0].confidence is None
    _wait_jobs(qtbot, window, "Refresh suggestions", 1)
    stack = window.session.undo_stack
    assert stack.undoText() == "Refresh suggestions", [stack.text(i) for i in range(stack.count())]
    refreshed = _tier(window, TierKind.SUGGESTION)
    assert refreshed.id == suggestions.id  # the same row, new content
    assert not any(s.start < target.end and s.end > target.start for s in refreshed.segments)

    # Reject the middle-shot suggestion: it moves to the rejected tier and is not proposed again.
    no = [s for s in refreshed.segments if s.label == "middle shot"]
    assert no, refreshed.segments
    window.timeline.canvas.select(refreshed.id, {no[0].id})
    _press(window, Qt.Key.Key_R)
    rejected = _tier(window, TierKind.REJECTED)
    assert rejected is not None and [(s.start, s.label) for s in rejected.segments] == [(no[0].start, "middle shot")]
    _wait_jobs(qtbot, window, "Refresh suggestions", 2)
    again = _tier(window, TierKind.SUGGESTION).segments
    assert not any(s.label == "middle shot" and s.start < no[0].end and s.end > no[0].start for s in again)

    # Undo walks back through refresh, reject, refresh, accept to the first suggestions.
    for _ in range(window.session.undo_stack.count() - undo_depth):
        window.undo_action.trigger()
    assert _tier(window, TierKind.SUGGESTION).segments == suggestions.segments
    assert _tier(window, TierKind.REJECTED) is None
    assert len(window.session.document.tier(annotations).segments) == 6
    assert dialogs.texts("error_dialog") == []


def test_suggest_without_examples_explains_what_to_do(qtbot, window, dialogs, gui_video):
    open_video(qtbot, window, gui_video, exact_clock=False)
    job = window.labelling.suggest()
    qtbot.waitUntil(lambda: job.state.finished, timeout=60000)
    assert job.state == JobState.FAILED
    (message,) = dialogs.texts("error_dialog")
    assert "label a few segments first" in message and "Traceback" not in message
    assert _tier(window, TierKind.SUGGESTION) is None and window.session.undo_stack.count() == 0


def test_save_a_label_set_and_apply_it_to_a_second_video(qtbot, window, dialogs, monkeypatch, tmp_path):
    from tests.labelling.conftest import make_alternating
    from vidmeta.gui import dialogs as gui_dialogs

    first = make_alternating(tmp_path / "one", first="a", variant=0, scenes=4)
    second = make_alternating(tmp_path / "two", first="b", variant=1, scenes=4)
    open_video(qtbot, window, first, exact_clock=False)
    doc = window.session.document
    for name, color, key in (("talking", "#e6194b", 1), ("fractal", "#4363d8", 2)):
        doc = edits.add_label(doc, Label(name, color, key))
    doc, tier_id = edits.ensure_annotation_tier(doc)
    for start, end, label in ((0.5, 2.5, "talking"), (3.5, 5.5, "fractal")):
        doc, _ = edits.create_segment(doc, tier_id, start, end, label=label)
    window.session.apply(doc, "Label examples")

    asked = []
    monkeypatch.setattr(gui_dialogs, "choose", lambda parent, title, prompt, items, editable=False:
                        asked.append((title, list(items))) or "scene kinds")
    window.actions["save_label_set"].trigger()
    _wait_jobs(qtbot, window, "Save label set", 1)
    assert asked[-1][0] == "Save Label Set" and "scene kinds" in window.status_message.text()

    dialogs.answer = dialogs.answer.Discard  # leave the first video without saving
    open_video(qtbot, window, second, exact_clock=False)
    assert window.session.document.labels == () and _tier(window, TierKind.SUGGESTION) is None
    window.actions["apply_label_set"].trigger()
    assert asked[-1] == ("Apply Label Set", ["scene kinds"])
    _wait_jobs(qtbot, window, "Apply label set", 1)
    suggestions = _tier(window, TierKind.SUGGESTION)
    assert suggestions is not None and {s.label for s in suggestions.segments} == {"talking", "fractal"}
    assert {label.name for label in window.session.document.labels} == {"talking", "fractal"}  # with their colours
    assert window.session.document.label("talking").color == "#e6194b"
    assert window.session.undo_stack.undoText() == "Apply label set scene kinds"
    window.undo_action.trigger()  # one step takes back both the suggestions and the set's labels
    assert window.session.document.labels == () and _tier(window, TierKind.SUGGESTION) is None
    assert dialogs.texts("error_dialog") == []


def test_a_damaged_label_set_file_shows_a_dialog(qtbot, window, dialogs, tmp_path):
    bad = tmp_path / "broken.vidmeta-labels.json"
    bad.write_text('{"format": "vidmeta-label-set", "version": 1, "examples": [')
    assert window.labelling.import_label_set(bad) is None
    (message,) = dialogs.texts("error_dialog")
    assert str(bad) in message and "label set" in message and "Traceback" not in message


def test_find_similar_and_search_transcripts_jump_to_the_moment(qtbot, window, dialogs, tmp_path):
    from tests.labelling.conftest import make_alternating
    from vidmeta.domain import CancelToken, Cue
    from vidmeta.features import extract_features
    from vidmeta.labelling.label_sets import LabelSetLibrary
    from vidmeta.pipeline.jobs import run_job

    first = make_alternating(tmp_path / "one", first="a", variant=0, scenes=4)
    second = make_alternating(tmp_path / "two", first="b", variant=1, scenes=2)
    LabelSetLibrary().register_video(second, run_job(extract_features(second, cancel=CancelToken())).fingerprint)
    open_video(qtbot, window, first, exact_clock=False)
    doc, tier_id = edits.ensure_annotation_tier(window.session.document)
    doc, segment = edits.create_segment(doc, tier_id, 3.5, 5.5)
    window.session.apply(doc, "A segment")
    window.timeline.canvas.select(tier_id, {segment.id})
    window.timeline.canvas.setFocus()
    _press(window, Qt.Key.Key_F)
    _wait_jobs(qtbot, window, "Find similar", 1)
    panel = window.similar_panel
    assert window.similar_dock.isVisible() and panel.hits.count() >= 2, dialogs.shown
    hits = [panel.hits.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.hits.count())]
    assert {h.video for h in hits} == {first, second}
    assert all(not panel.hits.item(i).icon().isNull() for i in range(panel.hits.count()))  # thumbnails
    best_here = next(h for h in hits if h.video == first)
    assert 9.0 <= (best_here.start + best_here.end) / 2 <= 12.0  # the other fractal scene
    panel.hitActivated.emit(best_here)
    qtbot.waitUntil(lambda: abs(window.player.position - best_here.start) < 0.1, timeout=5000)

    window.session.apply(dataclasses.replace(window.session.document, cues=(Cue(6.2, 7.0, "Find the fox"),)),
                         "A cue")
    job = window.similar.search("fox")
    qtbot.waitUntil(lambda: job.state.finished, timeout=20000)
    assert panel.hits.count() == 1 and "Find the fox" in panel.hits.item(0).text()

    elsewhere = next(h for h in hits if h.video == second)
    dialogs.answer = dialogs.answer.Discard
    panel.hitActivated.emit(elsewhere)  # opens the other video, then seeks there
    qtbot.waitUntil(lambda: window.session.video_path == second, timeout=10000)
    qtbot.waitUntil(lambda: abs(window.player.position - elsewhere.start) < 0.1, timeout=10000)
    assert dialogs.texts("error_dialog") == []


def test_meta_train_on_a_folder_then_go_back(qtbot, window, dialogs, tmp_path):
    from tests.labelling.conftest import make_alternating
    from vidmeta.labelling.library_training import MappingStore

    folder = tmp_path / "library"
    make_alternating(folder, first="a", variant=0, scenes=6)
    job = window.similar.meta_train(folder)
    qtbot.waitUntil(lambda: job.state.finished, timeout=120000)
    assert job.state == JobState.DONE, job.error
    trained = MappingStore().current()
    assert trained is not None and trained.name in window.status_message.text()
    window.actions["previous_mapping"].trigger()
    assert MappingStore().current() is None and "raw window descriptors" in window.status_message.text()
    assert dialogs.texts("error_dialog") == []
