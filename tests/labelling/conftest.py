"""Media for few-shot labelling: a generated video alternating two kinds of scene."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import ffmpeg, require_tool

SCENE_S = 3.0


@pytest.fixture(scope="session")
def alternating_video(tmp_path_factory) -> Path:
    """A B A B A B, 3 s each: A is a moving test pattern with a voice, B a fractal zoom with a tone.

    The second and later A and B scenes are new footage (other pattern phases, other words), so
    a label learnt on the first A and B has to generalise, not memorise.
    """
    require_tool("espeak-ng")
    folder = tmp_path_factory.mktemp("labelling")
    sentences = ["The quick brown fox jumps over the lazy dog.", "Seven silver swans swam south in spring.",
                 "Please label this part of the video as talking."]
    parts = []
    for i in range(3):
        speech = folder / f"speech{i}.wav"
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(speech), sentences[i]], check=True)
        a, b = folder / f"a{i}.mp4", folder / f"b{i}.mp4"
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=25:duration={SCENE_S}",
               "-i", str(speech), "-af", f"apad,atrim=0:{SCENE_S}", "-ar", "16000", "-ac", "1",
               "-vf", f"hue=h={40 * i}", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", str(SCENE_S), str(a))
        ffmpeg("-f", "lavfi", "-i", f"mandelbrot=size=160x120:rate=25:start_scale={3 - i * 0.5}",
               "-f", "lavfi", "-i", f"sine=frequency={300 + 60 * i}:sample_rate=16000",
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "1", "-t", str(SCENE_S), str(b))
        parts += [a, b]
    out = folder / "alternating.mp4"
    inputs = [arg for p in parts for arg in ("-i", str(p))]
    streams = "".join(f"[{k}:v][{k}:a]" for k in range(len(parts)))
    ffmpeg(*inputs, "-filter_complex", f"{streams}concat=n={len(parts)}:v=1:a=1[v][a]", "-map", "[v]", "-map", "[a]",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out))
    return out
