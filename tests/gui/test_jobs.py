"""Background jobs: progress, cancel within a second, failures in a dialog, results as undo steps,
and a main thread that keeps running while a CPU-heavy job works."""

from __future__ import annotations

import time
import pytest
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, Qt
from PySide6.QtTest import QTest

from tests.gui.conftest import EventLoopProbe, open_video
from vidmeta.domain import MediaError, Progress, Segment, SegmentSource, Tier, TierKind
from vidmeta.gui.worker import JobState


def run_fake(window, title, factory, **kwargs):
    """Run a stand-in job the way pipeline jobs run (they need no torch, so none is imported)."""
    return window.run_job(title, factory, uses_torch=False, **kwargs)


def slow_counting_job(*, steps: int, step_s: float, cancel):
    """A stand-in for a long pipeline job: many short steps, each followed by a Progress."""
    for i in range(steps):
        cancel.raise_if_cancelled()
        time.sleep(step_s)
        yield Progress((i + 1) / steps, "Counting", f"step {i + 1} of {steps}")
    return steps


def test_long_job_reports_progress_and_cancels_within_a_second(qtbot, window, dialogs):
    job = run_fake(window, "Fake transcription", lambda cancel: slow_counting_job(steps=3000, step_s=0.01,
                                                                                  cancel=cancel))
    qtbot.waitUntil(lambda: job.state == JobState.RUNNING and job.progress.fraction > 0.01, timeout=5000)
    row = window.jobs_panel.row(job)
    assert row is not None and row.stage.text().startswith("Counting — step")
    assert 0 < row.bar.value() < 1000
    indicator = window.job_indicator
    assert indicator.isVisible() and indicator.job is job and "Fake transcription" in indicator.label.text()

    clock = QElapsedTimer()
    clock.start()
    QTest.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state == JobState.CANCELLED, timeout=1000)
    assert clock.elapsed() < 1000
    assert row.stage.text() == "Cancelled" and not row.cancel_button.isVisible()
    assert dialogs.shown == []
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=1000)


def test_status_bar_cancel_and_queue_order(qtbot, window):
    first = run_fake(window, "First", lambda cancel: slow_counting_job(steps=500, step_s=0.01, cancel=cancel))
    second = run_fake(window, "Second", lambda cancel: slow_counting_job(steps=3, step_s=0.01, cancel=cancel))
    qtbot.waitUntil(lambda: first.state == JobState.RUNNING, timeout=5000)
    assert second.state == JobState.QUEUED  # one job at a time
    assert "(+1 waiting)" in window.job_indicator.label.text()
    QTest.mouseClick(window.job_indicator.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.state == JobState.DONE, timeout=5000)
    assert first.state == JobState.CANCELLED


def test_failed_job_shows_the_reason_and_the_app_keeps_working(qtbot, window, dialogs, gui_video):
    def failing(cancel):
        yield Progress(0.1, "Loading model")
        raise MediaError(gui_video, "cannot decode audio (test)")

    job = run_fake(window, "Transcribe", failing)
    qtbot.waitUntil(lambda: job.state == JobState.FAILED, timeout=5000)
    (message,) = dialogs.texts("error_dialog")
    assert message.startswith("Transcribe failed:") and "cannot decode audio (test)" in message
    assert "Failed: " in window.jobs_panel.row(job).stage.text()

    def buggy(cancel):
        yield Progress(0.5, "Thinking")
        return 1 / 0

    bug = run_fake(window, "Buggy", buggy)
    qtbot.waitUntil(lambda: bug.state == JobState.FAILED, timeout=5000)
    assert "ZeroDivisionError" in dialogs.texts("error_dialog")[1] and "Traceback" in bug.details
    ok = run_fake(window, "Afterwards", lambda cancel: slow_counting_job(steps=2, step_s=0.01, cancel=cancel))
    qtbot.waitUntil(lambda: ok.state == JobState.DONE, timeout=5000)


def _suggestions_job(cancel):
    yield Progress(0.5, "Scoring")
    return [Segment(0.5, 1.5, "speech", confidence=0.8, source=SegmentSource.MODEL)]


def _add_suggestions(doc, segments):
    return doc.with_tier(Tier("Model suggestions", TierKind.SUGGESTION, tuple(segments)))


def test_document_changes_only_when_a_job_succeeds_and_as_one_undo_step(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video, exact_clock=False)
    before = window.session.document
    cancelled = run_fake(window, "Suggest", lambda cancel: (yield from _slow_then(_suggestions_job(cancel), cancel)),
                               apply=_add_suggestions)
    qtbot.waitUntil(lambda: cancelled.state == JobState.RUNNING, timeout=5000)
    window.inference_jobs.cancel(cancelled)
    qtbot.waitUntil(lambda: cancelled.state == JobState.CANCELLED, timeout=2000)
    assert window.session.document is before and window.session.undo_stack.count() == 0

    job = run_fake(window, "Suggest labels", _suggestions_job, apply=_add_suggestions)
    qtbot.waitUntil(lambda: job.state == JobState.DONE, timeout=5000)
    tiers = window.session.document.tiers
    assert [t.kind for t in tiers] == [TierKind.ANNOTATION, TierKind.SUGGESTION]
    assert window.session.undo_stack.undoText() == "Suggest labels"
    window.undo_action.trigger()
    assert window.session.document == before


def _slow_then(inner, cancel):
    for _ in range(200):
        cancel.raise_if_cancelled()
        time.sleep(0.01)
        yield Progress(0.0, "Waiting for the model")
    return (yield from inner)


def cpu_heavy_job(*, seconds: float, cancel):
    """Pure-Python arithmetic (holds the GIL, like a model's Python loop), yielding now and then."""
    end = time.monotonic() + seconds
    total, n = 0, 0
    while time.monotonic() < end:
        for k in range(20000):
            total += k * k % 7
        n += 1
        cancel.raise_if_cancelled()
        if n % 5 == 0:
            yield Progress(1 - (end - time.monotonic()) / seconds, "Crunching")
    return total


def test_main_thread_never_stalls_over_100ms_during_a_cpu_heavy_job(qtbot, window):
    from vidmeta.gui.worker import wait_for_detached_workers

    # Workers of windows closed by earlier tests may still finish a step; measure this window alone.
    assert wait_for_detached_workers(60_000)
    # Earlier tests' windows are deleted later; destroying one (hundreds of Python-wrapped widgets,
    # each taking the GIL) must not be counted against this job.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    with EventLoopProbe() as probe:  # from before the job is submitted to after its result arrived
        job = run_fake(window, "Heavy", lambda cancel: cpu_heavy_job(seconds=2.5, cancel=cancel))
        qtbot.waitUntil(lambda: job.state == JobState.DONE, timeout=15000)
    assert len(probe.gaps) > 150, f"the probe ran only {len(probe.gaps)} times in 2.5 s"
    assert probe.longest < 0.100, f"the main thread stalled {probe.longest * 1000:.0f} ms"
    assert job.progress.stage == "Done"


def test_shutdown_stops_the_worker_mid_job(qtbot, window):
    job = run_fake(window, "Endless", lambda cancel: slow_counting_job(steps=10**6, step_s=0.01, cancel=cancel))
    qtbot.waitUntil(lambda: job.state == JobState.RUNNING, timeout=5000)
    started = time.monotonic()
    assert window.inference_jobs.shutdown(2000)
    assert time.monotonic() - started < 1.0

