"""Open the main window on a display (Xvfb), label a few segments, Suggest Labels, ask about the
least certain part, and save a screenshot of the suggestions tier.

Usage: xvfb-run -a python tests/gui/screenshot_labelling.py OUT.png [VIDEO]

VIDEO defaults to ../shared/data/scenes/testvideo.mp4 (three shots: 1-6, 6-13, 13-23 s).
Exit code 0 when suggestions appeared, 3 when not, 2 on a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.gui.screenshot_app import open_main_window, wait  # noqa: E402

_TIMEOUT_S = 120
EXAMPLES = ((1.5, 2.5, "first shot"), (3.0, 4.0, "first shot"), (7.0, 8.5, "middle shot"),
            (9.5, 10.5, "middle shot"), (14.0, 15.5, "third shot"), (16.5, 18.0, "third shot"))


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[1])
    video = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parents[3] / "shared/data/scenes/testvideo.mp4"
    opened = open_main_window(video)
    if opened is None:
        return 2
    app, win = opened
    from vidmeta.domain import Label, TierKind
    from vidmeta.gui import edits
    from vidmeta.gui.worker import JobState

    doc = win.session.document
    for key, (name, color) in enumerate((("first shot", "#e6194b"), ("middle shot", "#4363d8"),
                                         ("third shot", "#3cb44b")), start=1):
        doc = edits.add_label(doc, Label(name, color, key))
    doc, tier_id = edits.ensure_annotation_tier(doc)
    for start, end, label in EXAMPLES:
        doc, _ = edits.create_segment(doc, tier_id, start, end, label=label)
    win.session.apply(doc, "Label examples")
    job = win.labelling.suggest()
    done = wait(app, lambda: job.state.finished and all(j.state.finished for j in win.media_jobs.jobs()), _TIMEOUT_S)
    if not done or job.state != JobState.DONE:
        print(f"suggest did not finish: {job.state} {job.error}", file=sys.stderr)
        return 3
    win.actions["ask_next"].trigger()
    wait(app, lambda: False, 1.0)
    image = win.screen().grabWindow(win.winId()).toImage()
    if not image.save(str(out)):
        print(f"cannot write {out}", file=sys.stderr)
        return 2
    tier = next(t for t in win.session.document.tiers if t.kind == TierKind.SUGGESTION)
    for s in tier.segments:
        print(f"{s.start:6.2f} {s.end:6.2f} {s.label} {s.confidence:.2f}")
    print(win.status_message.text())
    win.shutdown()
    return 0 if tier.segments else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
