"""Open the main window on a display (Xvfb), summarize a video with a transcript, save a screenshot.

Usage: xvfb-run -a python tests/gui/screenshot_summary.py OUT.png VIDEO TRANSCRIPT.vtt
Exit code 0 when chapters appeared, 3 when not, 2 on a usage error.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.gui.screenshot_app import open_main_window, wait  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    out, video, transcript = Path(argv[1]), Path(argv[2]), Path(argv[3])
    opened = open_main_window(video)
    if opened is None:
        return 2
    app, win = opened
    from vidmeta.io.subtitles import import_subtitles

    doc = win.session.document
    win.session.apply(dataclasses.replace(doc, cues=tuple(import_subtitles(transcript))), "Import subtitles")
    job = win.summaries.summarize()
    wait(app, lambda: job.state.finished and all(j.state.finished for j in win.media_jobs.jobs()), 120)
    win.player.seek(17.0)
    wait(app, lambda: False, 1.0)
    if not win.screen().grabWindow(win.winId()).toImage().save(str(out)):
        return 2
    print([(c.start, c.title) for c in win.session.document.chapters])
    win.shutdown()
    return 0 if win.session.document.chapters else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
