"""A real window under Xvfb: grab the screen with a video and segments shown; the video is not blank.

Runs tests/gui/screenshot_app.py in a subprocess under `xvfb-run -a`, so the offscreen test run is
never touched by a real display server. Skips when xvfb-run is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

SCRIPT = Path(__file__).with_name("screenshot_app.py")


def test_screenshot_of_the_main_window_shows_the_video(gui_video, tmp_path):
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run is not installed (apt install xvfb xauth)")
    out = tmp_path / "main_window.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_XCB_GL_INTEGRATION"] = "none"
    proc = subprocess.run([xvfb, "-a", "-s", "-screen 0 1400x900x24", sys.executable, str(SCRIPT), str(out),
                           str(gui_video)], env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"screenshot_app failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["loaded"] and report["frame_pts"] is not None
    image = QImage(str(out))
    assert (image.width(), image.height()) == tuple(report["window"])
    x, y, w, h = report["video_rect"]
    assert w > 200 and h > 100
    colors = {image.pixelColor(x + i, y + j).rgb() for i in range(0, w, 5) for j in range(0, h, 5)}
    assert len(colors) > 50, "the video area is blank"
    # Outside the video area the timeline is drawn as well: segment colours appear below the video.
    below = {image.pixelColor(i, j).name() for i in range(0, image.width(), 7)
             for j in range(y + h + 60, image.height(), 7)}
    assert "#4e79a7" in below  # the "speech" label colour of the example annotations


def test_screenshot_shows_subtitles_over_the_video_and_the_editor(gui_video, tmp_path):
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run is not installed (apt install xvfb xauth)")
    out = tmp_path / "subtitles.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_XCB_GL_INTEGRATION"] = "none"
    proc = subprocess.run([xvfb, "-a", "-s", "-screen 0 1400x900x24", sys.executable,
                           str(SCRIPT.with_name("screenshot_subtitles.py")), str(out), str(gui_video)],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"screenshot_subtitles failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["current_row"] == 1 and report["current_cue_text"].startswith("Today we look at")
    image, plain = QImage(str(out)), QImage(str(out.with_name("subtitles-plain.png")))
    x, y, w, h = report["video_rect"]

    def white_in_lower_third(img) -> int:
        return sum(img.pixelColor(x + i, y + j).name() == "#ffffff" for i in range(0, w, 2)
                   for j in range(h * 2 // 3, h, 2))

    # The subtitle is white text with a dark outline in the lower part of the picture.
    assert white_in_lower_third(image) > white_in_lower_third(plain) + 100, "no subtitle text over the video"
    x, y, w, h = report["current_row_rect"]
    assert image.pixelColor(x + w - 4, y + 3).name() == "#fff2a8"  # the current cue is highlighted
