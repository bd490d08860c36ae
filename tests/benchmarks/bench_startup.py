"""How fast the desktop app's window appears: launch to first paint, and to the first video frame.

Standalone (not a test): python tests/benchmarks/bench_startup.py [--runs N] [--video PATH] [--display]

Each run starts a fresh interpreter that goes through vidmeta.gui.app.main() exactly as the
`vidmeta` command does, so interpreter start-up and every import count. The child reports when the
main window first painted and when the first frame of the video was painted, and which heavy
libraries were loaded by then (they must not be: torch and whisper load lazily in jobs).
By default Qt draws offscreen; --display uses the current X display (e.g. under xvfb-run -a).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET_S = 2.0
HEAVY = ("torch", "whisper", "cv2", "torchcodec", "scenedetect")


def child(video: str | None) -> None:
    """Run the app's own main(); report first paint and first frame on stdout as JSON, then quit."""
    t_start = time.time()
    from PySide6.QtCore import QEvent, QObject, QTimer

    from vidmeta.gui import app as gui_app
    from vidmeta.gui.main_window import MainWindow

    t_imported = time.time()
    report: dict[str, object] = {"imports_done": t_imported, "interpreter_up": t_start}
    original_show = MainWindow.show

    class FirstPaint(QObject):
        def __init__(self, window):
            super().__init__(window)
            self.window = window

        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint and "window_painted" not in report:
                report["window_painted"] = time.time()
                report["heavy_loaded_at_paint"] = [m for m in HEAVY if m in sys.modules]
                if video is None:
                    QTimer.singleShot(0, self.finish)
            return False

        def frame(self, *_args) -> None:
            if "first_frame" not in report:
                report["first_frame"] = time.time()
                QTimer.singleShot(0, self.finish)

        def finish(self) -> None:
            report["heavy_loaded_at_end"] = [m for m in HEAVY if m in sys.modules]
            print("BENCH " + json.dumps(report), flush=True)
            self.window.session.undo_stack.setClean()
            self.window.close()

    def show_and_watch(self) -> None:
        watcher = FirstPaint(self)
        self.installEventFilter(watcher)
        self.video_view.installEventFilter(watcher)
        self.player.frameReady.connect(watcher.frame)
        original_show(self)

    MainWindow.show = show_and_watch
    gui_app.main([video] if video else [])


def run_once(video: str | None, display: bool) -> dict:
    env = dict(os.environ)
    env.setdefault("VIDMETA_HOME", tempfile.mkdtemp(prefix="vidmeta-bench-"))
    env["QT_XCB_GL_INTEGRATION"] = "none"
    if not display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    cmd = [sys.executable, __file__, "--child"] + (["--video", video] if video else [])
    launched = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    r = json.loads(lines[-1][len("BENCH "):])
    out = {
        "interpreter": r["interpreter_up"] - launched,
        "imports": r["imports_done"] - r["interpreter_up"],
        "window": r["window_painted"] - launched,
        "heavy_at_window": r["heavy_loaded_at_paint"],
    }
    if "first_frame" in r:
        out["first_frame"] = r["first_frame"] - launched
    return out


def summary(name: str, values: list[float]) -> str:
    return (f"{name:<28} median {statistics.median(values):6.3f} s   min {min(values):6.3f} s   "
            f"max {max(values):6.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--video", help="also time the first video frame (default: the sample, if made)")
    parser.add_argument("--no-video", action="store_true", help="time the empty window only")
    parser.add_argument("--display", action="store_true", help="use the X display instead of offscreen")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.video)
        return 0
    video = None if args.no_video else args.video
    if video is None and not args.no_video:
        sample = REPO / "resources" / "sample" / "sample.mp4"
        video = str(sample) if sample.is_file() else None
    print(f"vidmeta start-up: {args.runs} runs, {'X display' if args.display else 'offscreen'}, "
          f"video: {video or 'none'}")
    runs = [run_once(video, args.display) for _ in range(args.runs)]
    print(summary("interpreter start", [r["interpreter"] for r in runs]))
    print(summary("vidmeta.gui imports", [r["imports"] for r in runs]))
    print(summary("launch -> window painted", [r["window"] for r in runs]))
    if all("first_frame" in r for r in runs):
        print(summary("launch -> first video frame", [r["first_frame"] for r in runs]))
    heavy = sorted({m for r in runs for m in r["heavy_at_window"]})
    print(f"heavy libraries loaded when the window painted: {', '.join(heavy) if heavy else 'none'}")
    median = statistics.median(r["window"] for r in runs)
    verdict = "met" if median <= TARGET_S and not heavy else "NOT met"
    print(f"target: window within {TARGET_S:.1f} s of launch, torch/whisper lazy: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
