"""What background analysis adds to the views: shot boundaries on the timeline, and face boxes
with the active speaker over the video."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from tests.gui.conftest import open_video, wait_frame
from vidmeta.domain import Progress
from vidmeta.gui.worker import JobState


def test_shot_boundary_is_found_and_drawn(qtbot, window, cut_video):
    open_video(qtbot, window, cut_video)
    shots = next(j for j in window.media_jobs.jobs() if j.title.startswith("Shots"))
    qtbot.waitUntil(lambda: shots.state.finished, timeout=60000)
    assert shots.state == JobState.DONE
    canvas = window.timeline.canvas
    assert canvas.shots == [pytest.approx(2.0, abs=0.041)]
    wave = next(r for r in canvas.rows if r.kind.value == "waveform")
    image = canvas.grab().toImage()
    x = round(canvas.scale.x_of(canvas.shots[0]))
    y = int(canvas.row_rect(wave).top()) + 3
    assert image.pixelColor(x, y) == QColor("#f28e2b")  # the shot line crosses the waveform row


class _Track:
    """The parts of vidmeta.features' FaceTrack the overlay uses."""

    def __init__(self, track_id, start, end, box):
        self.id = track_id
        self.times = np.arange(start, end, 0.04)
        self.boxes = np.tile(np.asarray(box, dtype=np.float32), (len(self.times), 1))

    def box_at(self, t):
        if not self.times[0] <= t <= self.times[-1] + 0.04:
            return None
        return self.boxes[int(np.searchsorted(self.times, t, side="right")) - 1]


def _speaker_analysis(cancel):
    from vidmeta.features.speakers import SpeakerTimeline
    from vidmeta.features.windows import make_windows

    yield Progress(0.5, "Tracking faces")
    grid = make_windows(duration=4.0, window=1.0, hop=0.5)
    active = np.where(grid.centres < 2.0, 0, 1).astype(np.int64)  # face 1 speaks first, then face 2
    n = len(grid)
    timeline = SpeakerTimeline(grid=grid, speech_probability=np.ones(n, np.float32),
                               av_speech_probability=np.ones(n, np.float32), active_track=active,
                               track_ids=(0, 1), evidence=np.zeros((n, 2), np.float32), regions=())

    class Features:
        faces = (_Track(0, 0.0, 4.0, (32, 36, 64, 72)), _Track(1, 1.0, 4.0, (200, 36, 64, 72)))

    return Features(), timeline


def test_face_boxes_follow_the_active_speaker(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    assert window.actions["find_speakers"].isEnabled()
    job = window.find_speakers(_speaker_analysis)
    qtbot.waitUntil(lambda: job.state.finished, timeout=10000)
    assert job.state == JobState.DONE and window.session.undo_stack.count() == 0  # view data, no edit
    window.player.seek(0.5)
    wait_frame(qtbot, window, 0.48)
    (face,) = window.video_view.face_boxes  # face 2 appears at 1.0 s
    assert face.active and face.speaker == "Face 1"
    assert (face.x, face.y, face.w, face.h) == pytest.approx((0.1, 0.2, 0.2, 0.4))
    window.player.seek(3.0)
    faces = window.video_view.face_boxes
    assert [(f.speaker, f.active) for f in faces] == [("Face 1", False), ("Face 2", True)]
    image = window.video_view.render_frame()
    edge = [image.pixelColor(x, 66) for x in range(197, 204)]  # the active box's left edge at x=200
    assert any(c.green() > 180 and c.red() < 120 for c in edge)
    window.documents.close_document()
    assert window.speaker_overlay is None and not window.actions["find_speakers"].isEnabled()


def test_speaker_analysis_adds_speech_and_face_track_rows(qtbot, window, gui_video):
    from vidmeta.gui.timeline.rows import RowKind
    from vidmeta.gui.timeline.speaker_rows import ACTIVE_SPEAKER_COLOR, FACE_TRACK_COLOR

    open_video(qtbot, window, gui_video, exact_clock=False)
    canvas = window.timeline.canvas
    assert not any(r.kind in (RowKind.AV_SPEECH, RowKind.FACE_TRACK) for r in canvas.rows)
    job = window.find_speakers(_speaker_analysis)
    qtbot.waitUntil(lambda: job.state.finished, timeout=10000)
    assert job.state == JobState.DONE and window.session.undo_stack.count() == 0  # view data, no edit
    speech = next(r for r in canvas.rows if r.kind == RowKind.AV_SPEECH)
    faces = [r for r in canvas.rows if r.kind == RowKind.FACE_TRACK]
    assert [(r.title, r.track_id) for r in faces] == [("Face 1", 0), ("Face 2", 1)]
    canvas.set_v_offset(canvas.max_v_offset())
    image = canvas.grab().toImage()

    def color_at(row, t: float) -> str:
        rect = canvas.row_rect(row)
        assert rect.bottom() <= canvas.height(), f"{row.title} is not on screen"
        return image.pixelColor(round(canvas.scale.x_of(t)), round(rect.center().y())).name()

    # Face 1 speaks before 2 s, face 2 after; face 2 is on screen from 1 s only.
    assert color_at(faces[0], 0.5) == ACTIVE_SPEAKER_COLOR.name()
    assert color_at(faces[0], 3.5) == FACE_TRACK_COLOR.name()
    assert color_at(faces[1], 0.5) not in (FACE_TRACK_COLOR.name(), ACTIVE_SPEAKER_COLOR.name())
    assert color_at(faces[1], 3.0) == ACTIVE_SPEAKER_COLOR.name()
    # Speech probability 1 everywhere: the curve is filled across the row.
    fill = QColor(image.pixelColor(round(canvas.scale.x_of(2.0)), round(canvas.row_rect(speech).center().y())))
    assert fill.green() > fill.red() and fill != canvas.palette().base().color()
    window.documents.close_document()
    assert not any(r.kind in (RowKind.AV_SPEECH, RowKind.FACE_TRACK) for r in canvas.rows)
