"""The video view paints frames itself: overlays (subtitles, face boxes) are visible in a grab."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QColor, QImage

from tests.gui.conftest import open_video, wait_frame
from vidmeta.domain import Cue
from vidmeta.gui.video_view import FaceBox, VideoView


def grey_frame(w=320, h=180) -> QImage:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor(60, 60, 60))
    return image


def count(image: QImage, predicate, rect) -> int:
    x0, y0, x1, y1 = rect
    return sum(predicate(image.pixelColor(x, y)) for x in range(x0, x1, 2) for y in range(y0, y1, 2))


def test_overlays_are_painted_over_the_frame(qtbot):
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(640, 360)
    view.set_frame(grey_frame(), 0.0)
    plain = view.grab().toImage()
    white = lambda c: c.red() > 230 and c.green() > 230 and c.blue() > 230  # noqa: E731
    green = lambda c: c.green() > 180 and c.red() < 120  # noqa: E731
    assert count(plain, white, (0, 250, 640, 360)) == 0
    view.set_subtitle("Hello world")
    view.set_face_boxes([FaceBox(0.1, 0.1, 0.2, 0.3, "Speaker 1", active=True), FaceBox(0.6, 0.1, 0.2, 0.3)])
    painted = view.grab().toImage()
    assert count(painted, white, (0, 250, 640, 360)) > 50  # subtitle text at the bottom
    assert count(painted, green, (50, 20, 200, 160)) > 20  # the active speaker's box
    frame = view.render_frame()  # overlays at the video's own resolution
    assert (frame.width(), frame.height()) == (320, 180)
    assert count(frame, white, (0, 120, 320, 180)) > 20


def test_no_video_shows_a_hint(qtbot):
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(400, 240)
    assert not view.has_frame and view.render_frame() is None
    image = view.grab().toImage()
    light = count(image, lambda c: c.lightness() > 120, (0, 0, 400, 240))
    assert light > 10  # the "Open a video" text


def test_subtitle_follows_the_playhead(qtbot, window, gui_video):
    open_video(qtbot, window, gui_video)
    doc = window.session.document
    window.session.apply(replace(doc, cues=(Cue(1.0, 2.0, "first line"), Cue(2.5, 3.0, "later", suspect=True))),
                         "Add cues")
    window.player.seek(1.5)
    wait_frame(qtbot, window, 1.48)
    assert window.video_view.subtitle == "first line"
    window.player.seek(2.7)
    assert window.video_view.subtitle == ""  # a suspect cue is not shown
    rows = [r.title for r in window.timeline.canvas.rows]
    assert rows[-1] == "Subtitles"
