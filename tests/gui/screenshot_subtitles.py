"""Open the main window on a display (Xvfb) with subtitles and the subtitle editor, and save a screenshot.

Usage: xvfb-run -a python tests/gui/screenshot_subtitles.py OUT.png VIDEO

The video shows the cue under the playhead; the editor dock lists every cue (one suspect, one too
fast to read) with the current one highlighted. Beside OUT.png it writes OUT-plain.png (the same
window without the subtitle overlay) and OUT.json: where the video and the editor's table are, and
which cue is current.
Exit code 0 when the window came up with all of it, 3 when something is missing, 2 on a usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.gui.screenshot_app import open_main_window, wait  # noqa: E402

_TIMEOUT_S = 90


def example_cues(duration: float):
    from vidmeta.domain import Cue

    d = duration
    return [
        Cue(0.05 * d, 0.25 * d, "Welcome to vidmeta.", speaker="Anna"),
        Cue(0.28 * d, 0.47 * d, "Today we look at\nsubtitles over the video.", speaker="Ben"),
        Cue(0.50 * d, 0.55 * d, "This cue is far too fast to be read by anyone.", speaker="Anna"),
        Cue(0.60 * d, 0.72 * d, "mm hmm", suspect=True, suspect_reason="no one seems to speak here"),
        Cue(0.77 * d, 0.95 * d, "Thank you for watching.", speaker="Ben"),
    ]


def rect_in(image, win, widget, rect) -> list[int]:
    ratio = image.width() / max(1, win.width())
    top_left = widget.mapTo(win, rect.topLeft())
    return [int(top_left.x() * ratio), int(top_left.y() * ratio), int(rect.width() * ratio),
            int(rect.height() * ratio)]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, video = Path(argv[1]), Path(argv[2])
    opened = open_main_window(video)
    if opened is None:
        return 2
    app, win = opened
    from vidmeta.gui.cue_edits import replace_cues
    from vidmeta.gui.worker import JobState

    session = win.session
    session.apply(replace_cues(session.document, example_cues(session.duration)), "Example subtitles")
    win.actions["toggle_subtitles"].trigger()
    t = 0.35 * session.duration
    win.player.seek(t)
    editor = win.subtitle_editor
    loaded = wait(app, lambda: all(j.state == JobState.DONE for j in win.media_jobs.jobs())
                  and win.video_view.frame_pts is not None and editor.current_row == 1, _TIMEOUT_S)
    wait(app, lambda: False, 0.8)  # let the last frame and repaints reach the X server
    image = win.screen().grabWindow(win.winId()).toImage()
    if not image.save(str(out)):
        print(f"cannot write {out}", file=sys.stderr)
        return 2
    # The same window without the overlay, so a test can tell the subtitle's pixels from the picture's.
    win.video_view.set_subtitle("")
    wait(app, lambda: False, 0.3)
    win.screen().grabWindow(win.winId()).toImage().save(str(out.with_name(out.stem + "-plain.png")))
    table = editor.table
    report = {
        "loaded": loaded,
        "window": [image.width(), image.height()],
        "video_rect": rect_in(image, win, win.video_view, win.video_view.frame_rect().toRect()),
        "current_row_rect": rect_in(image, win, table.viewport(), table.visualItemRect(table.item(1, 3))),
        "current_row": editor.current_row,
        "current_cue_text": editor.cues[editor.current_row].text if editor.current_row is not None else "",
        "dock_visible": win.subtitles_dock.isVisible(),
        "rows": table.rowCount(),
    }
    out.with_suffix(".json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report))
    session.undo_stack.setClean()
    win.close()
    complete = loaded and report["dock_visible"] and report["current_cue_text"] and report["rows"] == 5
    return 0 if complete else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
