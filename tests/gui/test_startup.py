"""The window must appear fast: nothing in vidmeta.gui imports torch, whisper or cv2 at load time."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import vidmeta.gui


def test_gui_modules_import_no_heavy_libraries():
    modules = [m.name for m in pkgutil.walk_packages(vidmeta.gui.__path__, "vidmeta.gui.")]
    assert "vidmeta.gui.main_window" in modules and "vidmeta.gui.timeline.canvas" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "heavy = sorted(m for m in ('torch', 'whisper', 'cv2', 'torchcodec', 'scenedetect') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "", f"imported at module level: {out.stdout.strip()}"


def test_gui_script_entry_point_is_declared():
    from importlib.metadata import entry_points

    scripts = {e.name: e.value for e in entry_points(group="gui_scripts")}
    assert scripts.get("vidmeta") == "vidmeta.gui.app:main"
