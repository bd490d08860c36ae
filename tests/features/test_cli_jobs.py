"""vidmeta-cli features / speakers, and the pipeline jobs they drive."""

from __future__ import annotations

import json

from vidmeta.cli import main
from vidmeta.domain import CancelToken
from vidmeta.pipeline.features_jobs import features_job, speakers_job
from vidmeta.pipeline.jobs import run_job


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_features_command_text_then_cached(shared_data, capsys):
    clip = str(shared_data / "grid" / "brbk7n.mpg")
    code, out, err = run_cli(capsys, "features", clip)
    assert code == 0, err
    assert "5 windows of 1 s every 0.5 s" in out and "faces:       1 track(s)" in out
    assert "computed now" in out
    code, out, _ = run_cli(capsys, "features", clip, "--json")
    summary = json.loads(out)
    assert summary["windows"]["dims"] == {"visual": 258, "audio": 132, "lips": 48, "speech": 0}
    assert set(summary["cached_parts"]) >= {"visual", "faces", "lips", "audio", "vad"}


def test_speakers_json_lists_tracks_boxes_regions_and_windows(shared_data, capsys):
    clip = shared_data / "grid" / "lbbc2a.mpg"
    code, out, err = run_cli(capsys, "speakers", str(clip), "--json", "--window", "0.5", "--hop", "0.25")
    assert code == 0, err
    data = json.loads(out)
    assert (data["width"], data["height"], data["window"], data["hop"]) == (360, 288, 0.5, 0.25)
    (track,) = data["face_tracks"]
    assert len(track["boxes"]) == 75 and set(track["boxes"][0]) == {"t", "x", "y", "w", "h", "detected"}
    assert all(0 <= b["x"] < 360 and b["w"] > 30 for b in track["boxes"])
    assert [r["speaker"] for r in data["speech_regions"]] == [track["id"]]
    windows = data["windows"]
    assert len(windows) == 11 and windows[0]["start"] == 0.0 and windows[1]["start"] == 0.25
    assert windows[0]["active_track"] is None  # silence before the sentence
    assert any(w["active_track"] == track["id"] for w in windows)
    assert all(0.0 <= w["av_speech_probability"] <= 1.0 for w in windows)


def test_speakers_text(shared_data, capsys):
    code, out, _ = run_cli(capsys, "speakers", str(shared_data / "grid" / "lbax4n.mpg"))
    assert code == 0
    assert "1 face track(s), 1 speech region(s)" in out and "face 0" in out


def test_user_errors_are_one_line_with_exit_code_2(tmp_path, audio_only, capsys):
    code, _, err = run_cli(capsys, "features", str(tmp_path / "missing.mp4"))
    assert code == 2 and "no such file" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(capsys, "features", str(audio_only), "--hop", "0")
    assert code == 2 and "window and hop must be positive" in err
    code, _, err = run_cli(capsys, "speakers", str(audio_only))
    assert code == 2 and "no video stream" in err


def test_jobs_drive_the_extraction(shared_data):
    seen = []
    features = run_job(features_job(shared_data / "grid" / "lbax4n.mpg", cancel=CancelToken()), on_progress=seen.append)
    assert seen[-1].fraction == 1.0 and len(features.faces) == 1
    again, timeline = run_job(speakers_job(shared_data / "grid" / "lbax4n.mpg", cancel=CancelToken()))
    assert timeline is again.speakers and "speakers" in again.cached_parts
    assert [w.active_track for w in timeline.windows()][1:4] == [0, 0, 0]
