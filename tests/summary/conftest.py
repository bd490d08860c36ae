"""A generated video with known scene changes and a transcript made to match (a WebVTT file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ffmpeg

SCENE_S = 8.0
CUTS = (8.0, 16.0, 24.0)
SOURCES = ("testsrc2", "mandelbrot", "smptehdbars", "life=mold=10:ratio=0.3:death_color=#C83232:life_color=#00ff00")
TOPICS = (
    ("Ada", ["Boil the pasta in plenty of salted water.", "Fresh pasta cooks in two minutes.",
             "Drain the pasta and keep a cup of the cooking water.", "Toss the pasta with butter and cheese."]),
    ("Ben", ["The football match started at seven.", "Our striker scored a goal in the first half.",
             "The goalkeeper saved a penalty before the football crowd.", "The match ended two goals to one."]),
    ("Ada", ["Telescopes show the rings of Saturn.", "Jupiter has dozens of moons around the planet.",
             "A clear night makes the planets easy to see.", "Saturn and Jupiter rise late in winter."]),
    ("Ben", ["Plant tomatoes after the last frost in the garden.", "Water the garden early in the morning.",
             "Tomatoes need sun and rich soil.", "Pick the tomatoes when they turn red in the garden."]),
)


def _vtt_time(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def transcript_vtt() -> str:
    blocks = ["WEBVTT"]
    for i, (speaker, sentences) in enumerate(TOPICS):
        for j, text in enumerate(sentences):
            start = i * SCENE_S + 0.3 + j * 1.9
            blocks.append(f"{_vtt_time(start)} --> {_vtt_time(start + 1.7)}\n<v {speaker}>{text}")
    return "\n\n".join(blocks) + "\n"


@pytest.fixture(scope="session")
def chaptered_video(tmp_path_factory) -> tuple[Path, Path]:
    """(video, transcript.vtt): four 8 s scenes of different pictures, tones and topics; cuts at 8, 16, 24 s."""
    folder = tmp_path_factory.mktemp("summary")
    parts = []
    for i, source in enumerate(SOURCES):
        out = folder / f"scene{i}.mp4"
        video_source = f"{source}{'=' if '=' not in source else ':'}size=160x120:rate=10"
        ffmpeg("-f", "lavfi", "-i", video_source, "-f", "lavfi", "-i", f"sine=frequency={300 + 100 * i}:sample_rate=16000",
               "-vf", "format=yuv420p", "-t", str(SCENE_S), "-c:v", "libx264", "-c:a", "aac", "-ac", "1", str(out))
        parts.append(out)
    video = folder / "chaptered.mp4"
    inputs = [arg for p in parts for arg in ("-i", str(p))]
    streams = "".join(f"[{k}:v][{k}:a]" for k in range(len(parts)))
    ffmpeg(*inputs, "-filter_complex", f"{streams}concat=n={len(parts)}:v=1:a=1[v][a]", "-map", "[v]", "-map", "[a]",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(video))
    transcript = folder / "transcript.vtt"
    transcript.write_text(transcript_vtt(), encoding="utf-8")
    return video, transcript
