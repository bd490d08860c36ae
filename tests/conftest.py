"""Shared fixtures: an isolated app home, the real clips in ../shared/data, and generated media."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def vidmeta_home(tmp_path_factory, monkeypatch) -> Path:
    """Settings, logs, caches and models of every test go to a fresh folder, never the user's."""
    home = tmp_path_factory.mktemp("vidmeta-home")
    monkeypatch.setenv("VIDMETA_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real clips not available: {SHARED_DATA} is absent (it sits beside the repo in CI)")
    return SHARED_DATA


def shared_clips() -> list[Path]:
    """Every real clip, for parametrised tests (empty when ../shared is absent)."""
    if not SHARED_DATA.is_dir():
        return []
    return sorted(p for p in SHARED_DATA.glob("*/*") if p.suffix in (".mp4", ".mpg"))


def require_tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (make test installs it)")
    return exe


def ffmpeg(*args: str) -> None:
    require_tool("ffmpeg")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def numbered_video(media_dir) -> Path:
    """2 s at 25 fps, 160x120, frame n shows its number, with a 440 Hz tone: h264 + AAC in mp4."""
    out = media_dir / "numbered.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=44100",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10", "-c:a", "aac", "-shortest", str(out),
    )
    return out


@pytest.fixture(scope="session")
def audio_only(media_dir) -> Path:
    out = media_dir / "tone.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=1.5:sample_rate=22050", "-c:a", "aac", str(out))
    return out


@pytest.fixture(scope="session")
def video_only(media_dir) -> Path:
    out = media_dir / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=1", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(out))
    return out


@pytest.fixture(scope="session")
def speech_wav(media_dir) -> Path:
    require_tool("espeak-ng")
    out = media_dir / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(out), "Hello from the vidmeta tests."], check=True)
    return out
