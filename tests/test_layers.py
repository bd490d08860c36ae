"""Architecture rules: layer contracts (import-linter) and no heavy imports where start-up matters."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (make test installs it)")
    proc = subprocess.run([exe, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Qt only in vidmeta.gui KEPT" in proc.stdout
    assert "Layers: lower never imports higher KEPT" in proc.stdout


@pytest.mark.parametrize("module", ["vidmeta.domain", "vidmeta.cli", "vidmeta.store", "vidmeta.config"])
def test_light_modules_do_not_import_heavy_libraries(module):
    code = (
        f"import sys, {module}; heavy = [m for m in ('torch', 'whisper', 'cv2', 'scenedetect', 'PySide6') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""
