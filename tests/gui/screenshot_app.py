"""Open the real main window on a display (Xvfb), with a video and segments, and save a screenshot.

Usage: xvfb-run -a python tests/gui/screenshot_app.py OUT.png VIDEO

The picture is taken with QScreen.grabWindow, i.e. what the X server shows, not a widget render.
Beside OUT.png it writes OUT.json: the video area's rectangle and how varied its pixels are.
Exit code 0 when the video area shows a picture, 3 when it is blank, 2 on a usage error.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

_TIMEOUT_S = 90


def build_document(doc, duration: float):
    """Labels, annotations, model suggestions, subtitles and chapters spread over the video."""
    from vidmeta.domain import Chapter, Cue, Label, Segment, SegmentSource, Tier, TierKind

    d = duration
    labels = (Label("speech", "#4e79a7", 1), Label("music", "#f28e2b", 2), Label("laughter", "#59a14f", 3))
    annotations = Tier("Annotations", TierKind.ANNOTATION, (
        Segment(0.04 * d, 0.22 * d, "speech", "welcome"),
        Segment(0.28 * d, 0.47 * d, "speech", "the weather"),
        Segment(0.55 * d, 0.70 * d, "music"),
        Segment(0.77 * d, 0.95 * d, "speech", "goodbye"),
    ))
    gestures = Tier("Gestures", TierKind.ANNOTATION, (
        Segment(0.10 * d, 0.16 * d, "laughter"), Segment(0.60 * d, 0.66 * d, "", "nod"),
    ))
    suggestions = Tier("Model suggestions", TierKind.SUGGESTION, (
        Segment(0.05 * d, 0.21 * d, "speech", confidence=0.91, source=SegmentSource.MODEL),
        Segment(0.53 * d, 0.72 * d, "music", confidence=0.64, source=SegmentSource.MODEL),
        Segment(0.80 * d, 0.93 * d, "laughter", confidence=0.38, source=SegmentSource.MODEL),
    ))
    cues = (Cue(0.04 * d, 0.22 * d, "Welcome to vidmeta."), Cue(0.28 * d, 0.47 * d, "A word about the weather."),
            Cue(0.77 * d, 0.95 * d, "Thank you for watching."))
    chapters = (Chapter(0.0, 0.5 * d, "Opening"), Chapter(0.5 * d, d, "Closing"))
    return replace(doc, labels=labels, tiers=(annotations, gestures, suggestions), cues=cues, chapters=chapters)


def wait(app, condition, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def pixel_stats(image, rect) -> dict:
    colors = set()
    values = []
    x0, y0, w, h = rect
    for y in range(y0, y0 + h, 4):
        for x in range(x0, x0 + w, 4):
            c = image.pixelColor(x, y)
            colors.add((c.red() // 8, c.green() // 8, c.blue() // 8))
            values.append(c.lightness())
    mean = sum(values) / max(1, len(values))
    std = (sum((v - mean) ** 2 for v in values) / max(1, len(values))) ** 0.5
    return {"distinct_colors": len(colors), "lightness_std": std, "samples": len(values)}


def open_main_window(video: Path):
    """A real main window on the X display with `video` open: (app, window), or None if it cannot open."""
    os.environ.setdefault("VIDMETA_HOME", tempfile.mkdtemp(prefix="vidmeta-shot-"))
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        del os.environ["QT_QPA_PLATFORM"]  # a real window on the X server is the point
    from vidmeta.gui.app import create_application

    app = create_application([sys.argv[0]])
    from vidmeta.gui.main_window import MainWindow

    win = MainWindow()
    win.resize(1360, 860)
    win.show()
    if not win.open_path(video):
        print("could not open the video", file=sys.stderr)
        return None
    return app, win


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, video = Path(argv[1]), Path(argv[2])
    opened = open_main_window(video)
    if opened is None:
        return 2
    app, win = opened
    from vidmeta.gui.worker import JobState

    session = win.session
    session.apply(build_document(session.document, session.duration), "Example annotations")
    t = 0.33 * session.duration
    win.player.seek(t)
    canvas = win.timeline.canvas
    first = session.document.tiers[0]
    canvas.select(first.id, {first.segments[1].id})
    loaded = wait(app, lambda: all(j.state == JobState.DONE for j in win.media_jobs.jobs())
                  and win.video_view.frame_pts is not None and canvas.thumbnails, _TIMEOUT_S)
    win.player.seek(t)
    wait(app, lambda: False, 0.8)  # let the last frame and repaints reach the X server
    screen = win.screen()
    pixmap = screen.grabWindow(win.winId())
    image = pixmap.toImage()
    if not image.save(str(out)):
        print(f"cannot write {out}", file=sys.stderr)
        return 2
    # The video area inside the grabbed window, in the grab's pixels.
    ratio = image.width() / max(1, win.width())
    frame = win.video_view.frame_rect()
    top_left = win.video_view.mapTo(win, frame.topLeft().toPoint())
    rect = [int(top_left.x() * ratio), int(top_left.y() * ratio), int(frame.width() * ratio),
            int(frame.height() * ratio)]
    stats = pixel_stats(image, rect) if frame.width() > 0 else {"distinct_colors": 0, "lightness_std": 0.0}
    report = {"video_rect": rect, "loaded": loaded, "window": [image.width(), image.height()],
              "frame_pts": win.video_view.frame_pts, **stats}
    out.with_suffix(".json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report))
    session.undo_stack.setClean()
    win.close()
    blank = stats["distinct_colors"] < 20 or stats["lightness_std"] < 5
    return 3 if blank else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
