"""The gate on real clips: cues over noise, silence and a still mouth are suspect; over speech, kept."""

from __future__ import annotations

import pytest

from tests.conftest import ffmpeg
from vidmeta.domain import CancelToken
from vidmeta.features import extract_features
from vidmeta.pipeline import run_job
from vidmeta.speech.evidence import speech_evidence
from vidmeta.speech.gate import gate_segments
from vidmeta.speech.recognize import RecognizedSegment


def placed(start, end, no_speech=0.2):
    """A cue as whisper would give it, placed by the test at a known time."""
    return RecognizedSegment(start, end, "placed words", (), -0.4, no_speech, 1.3, 0.0, "en", 0)


@pytest.fixture(scope="module")
def grid_noise_silence(shared_data, tmp_path_factory):
    """GRID bbaf2n (3 s, speech about 1.0-2.1 s), then 5 s of pink noise, then 5 s of silence; the last
    frame stays on screen."""
    out = tmp_path_factory.mktemp("gate") / "grid_noise_silence.mp4"
    ffmpeg(
        "-i", str(shared_data / "grid" / "bbaf2n.mpg"),
        "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.2:duration=5:sample_rate=16000",
        "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono",
        "-filter_complex",
        "[0:v]tpad=stop_mode=clone:stop_duration=10,format=yuv420p[v];"
        "[0:a]aresample=16000,aformat=channel_layouts=mono[a0];[2:a]atrim=duration=5[a2];"
        "[a0][1:a][a2]concat=n=3:v=0:a=1[a]",
        "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-c:a", "aac", "-t", "13", str(out),
    )
    return out


@pytest.fixture(scope="module")
def still_face(shared_data, tmp_path_factory):
    """A real face, frozen for 5 s, over quiet room noise: the mouth never moves."""
    out = tmp_path_factory.mktemp("gate") / "still_face.mp4"
    ffmpeg(
        "-i", str(shared_data / "talking" / "face2.mp4"),
        "-f", "lavfi", "-i", "anoisesrc=color=brown:amplitude=0.01:duration=5:sample_rate=16000",
        "-filter_complex", "[0:v]trim=end_frame=1,loop=loop=150:size=1,setpts=N/25/TB,format=yuv420p[v]",
        "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-c:a", "aac", "-t", "5", str(out),
    )
    return out


def test_noise_and_silence_are_suspect_speech_is_kept(grid_noise_silence):
    evidence = speech_evidence(run_job(extract_features(grid_noise_silence, cancel=CancelToken())))
    cues = gate_segments([placed(1.0, 2.1), placed(4.0, 7.0), placed(9.0, 12.0)], evidence)
    assert [c.suspect for c in cues] == [False, True, True], [c.suspect_reason for c in cues]


def test_still_mouth_is_suspect(still_face):
    features = run_job(extract_features(still_face, cancel=CancelToken()))
    evidence = speech_evidence(features)
    assert features.faces, "the frozen face is still detected"
    assert not any(w.lips_moving for w in evidence.windows)
    cues = gate_segments([placed(0.5, 2.5, no_speech=0.7), placed(2.5, 4.5, no_speech=0.3)], evidence)
    assert all(c.suspect for c in cues), [c.suspect_reason for c in cues]
