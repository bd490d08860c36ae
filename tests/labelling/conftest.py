"""Media for few-shot labelling: a generated video alternating two kinds of scene."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import ffmpeg, require_tool

SCENE_S = 3.0


def make_alternating(folder: Path, *, first: str, variant: int, scenes: int = 6) -> Path:
    """``scenes`` scenes of SCENE_S seconds alternating A and B, starting with ``first``.

    A is a moving test pattern with a voice, B a fractal zoom with a tone. Every scene is new
    footage (another pattern hue, other words, another zoom and pitch), so a label learnt on one A
    and one B has to generalise, not memorise; ``variant`` shifts all of them for another video.
    """
    require_tool("espeak-ng")
    folder.mkdir(parents=True, exist_ok=True)
    sentences = ["The quick brown fox jumps over the lazy dog.", "Seven silver swans swam south in spring.",
                 "Please label this part of the video as talking.", "Every window here has a voice in it.",
                 "A second video says other things.", "Numbers like forty two are words too."]
    parts = []
    for k in range(scenes):
        i = k // 2 + 3 * variant
        kind = first if k % 2 == 0 else ("b" if first == "a" else "a")
        out = folder / f"{kind}{i}.mp4"
        if kind == "a":
            speech = folder / f"speech{i}.wav"
            subprocess.run(["espeak-ng", "-s", "150", "-w", str(speech), sentences[i % len(sentences)]], check=True)
            ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=25:duration={SCENE_S}",
                   "-i", str(speech), "-af", f"apad,atrim=0:{SCENE_S}", "-ar", "16000", "-ac", "1",
                   "-vf", f"hue=h={40 * i}", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                   "-t", str(SCENE_S), str(out))
        else:
            ffmpeg("-f", "lavfi", "-i", f"mandelbrot=size=160x120:rate=25:start_scale={3 - (i % 4) * 0.5}",
                   "-f", "lavfi", "-i", f"sine=frequency={300 + 60 * i}:sample_rate=16000",
                   "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "1", "-t", str(SCENE_S), str(out))
        parts.append(out)
    out = folder / f"alternating-{first}-{variant}.mp4"
    inputs = [arg for p in parts for arg in ("-i", str(p))]
    streams = "".join(f"[{k}:v][{k}:a]" for k in range(len(parts)))
    ffmpeg(*inputs, "-filter_complex", f"{streams}concat=n={len(parts)}:v=1:a=1[v][a]", "-map", "[v]", "-map", "[a]",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out))
    return out


@pytest.fixture(scope="session")
def alternating_video(tmp_path_factory) -> Path:
    """A B A B A B (3 s each); see make_alternating."""
    return make_alternating(tmp_path_factory.mktemp("labelling"), first="a", variant=0)


@pytest.fixture(scope="session")
def second_video(tmp_path_factory) -> Path:
    """B A B A (3 s each), all new footage: another video of the same kinds of scene."""
    return make_alternating(tmp_path_factory.mktemp("labelling2"), first="b", variant=1, scenes=4)
