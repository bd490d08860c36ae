"""Shot detection matches PySceneDetect's own command line on the same file."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from vidmeta.domain import CancelToken, Cancelled
from vidmeta.media.shots import detect_shots
from vidmeta.pipeline import run_job


def scenedetect_cli_cuts(video: Path, out_dir: Path) -> list[float]:
    exe = Path(sys.executable).with_name("scenedetect")
    if not exe.exists():
        pytest.skip("the scenedetect command is not installed")
    subprocess.run([str(exe), "-q", "-i", str(video), "-o", str(out_dir), "detect-adaptive", "list-scenes"],
                   check=True, capture_output=True)
    rows = list(csv.reader((out_dir / f"{video.stem}-Scenes.csv").open()))
    header = rows[1]
    col = header.index("Start Time (seconds)")
    return [float(r[col]) for r in rows[3:]]  # rows[2] is the first scene, which starts at 0


def test_testvideo_matches_pyscenedetect_cli(shared_data, tmp_path):
    video = shared_data / "scenes" / "testvideo.mp4"
    expected = scenedetect_cli_cuts(video, tmp_path)
    ours = run_job(detect_shots(video, cancel=CancelToken()))
    assert len(expected) >= 3
    assert len(ours) == len(expected)
    frame = 1001 / 30000
    assert ours == pytest.approx(expected, abs=frame)


def test_audio_only_has_no_shots(audio_only):
    assert run_job(detect_shots(audio_only, cancel=CancelToken())) == []


def test_cancel(shared_data):
    token = CancelToken()
    job = detect_shots(shared_data / "scenes" / "testvideo.mp4", cancel=token)
    next(job)
    token.cancel()
    with pytest.raises(Cancelled):
        run_job(job)
