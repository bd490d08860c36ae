"""Fixtures for the feature tests: real clips extracted once per session, and test media made with
ffmpeg from the real clips (side-by-side composites, swapped soundtracks)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, ffmpeg

_extracted: dict[tuple, object] = {}


def extract(path: Path, **options):
    """Features of `path` with default options (plus `options`), computed once per session.

    The cache is bypassed so that the session-wide memo does not depend on a test's VIDMETA_HOME.
    """
    from vidmeta.features import FeatureOptions, extract_features
    from vidmeta.pipeline.jobs import run_job

    key = (str(path), tuple(sorted(options.items())))
    if key not in _extracted:
        _extracted[key] = run_job(extract_features(path, options=FeatureOptions(**options), use_cache=False))
    return _extracted[key]


def real_clips(folder: str) -> list[Path]:
    if not SHARED_DATA.is_dir():
        return []
    return sorted(p for p in (SHARED_DATA / folder).iterdir() if p.suffix in (".mp4", ".mpg"))


def duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def side_by_side(left: Path, right: Path, *, audio_of: Path, out: Path) -> Path:
    """Two real clips scaled to 360 rows at 25 fps, side by side, with the soundtrack of one."""
    if not out.exists():
        length = min(duration(left), duration(right))
        audio_index = 0 if audio_of == left else 1
        ffmpeg("-i", str(left), "-i", str(right), "-filter_complex",
               "[0:v]scale=-2:360,fps=25,setsar=1[a];[1:v]scale=-2:360,fps=25,setsar=1[b];[a][b]hstack=inputs=2[v]",
               "-map", "[v]", "-map", f"{audio_index}:a", "-t", f"{length:.3f}", "-c:v", "libx264", "-preset",
               "veryfast", "-crf", "20", "-c:a", "aac", str(out))
    return out


def with_soundtrack_of(video: Path, audio: Path, *, out: Path) -> Path:
    """`video`'s pictures with `audio`'s soundtrack (cut to the shorter of the two)."""
    if not out.exists():
        length = min(duration(video), duration(audio))
        ffmpeg("-i", str(video), "-i", str(audio), "-map", "0:v", "-map", "1:a", "-t", f"{length:.3f}",
               "-c:v", "copy", "-c:a", "aac", str(out))
    return out


@pytest.fixture(scope="session")
def feature_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("feature-media")
