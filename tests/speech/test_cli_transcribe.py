"""vidmeta-cli transcribe end to end on a real clip, with a tiny random checkpoint."""

from __future__ import annotations

from vidmeta.cli import main
from vidmeta.io import import_subtitles, import_transcript_json


def test_transcribe_writes_subtitles_and_json(shared_data, tiny_whisper_pt, tmp_path, capsys):
    clip = str(shared_data / "grid" / "lbax4n.mpg")
    out = tmp_path / "lbax4n.srt"
    fast = ["--no-fallback", "--max-tokens", "16"]  # random weights never stop on their own
    code = main(["transcribe", clip, *fast, "--model", str(tiny_whisper_pt), "--device", "cpu", "-o", str(out),
                 "--keep-suspect", "--speaker-name", "Speaker 1=Ada"])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert f"{out}: " in stdout and "cues written" in stdout
    cues = import_subtitles(out)
    assert cues and all(0.0 <= c.start < c.end <= 3.05 for c in cues)
    code = main(["transcribe", clip, *fast, "--model", str(tiny_whisper_pt), "--device", "cpu",
                 "-o", str(tmp_path / "t.json"), "--keep-suspect", "--speaker-name", "Speaker 1=Ada"])
    assert code == 0
    speakers = {c.speaker for c in import_transcript_json(tmp_path / "t.json")}
    assert "Speaker 1" not in speakers  # renamed everywhere


def test_transcribe_errors_are_one_line(tmp_path, capsys, numbered_video):
    code = main(["transcribe", str(numbered_video), "--model", "huge-v9"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "unknown whisper model 'huge-v9'" in err
    code = main(["transcribe", str(numbered_video), "--model", "tiny", "-o", str(tmp_path / "x.docx")])
    _, err = capsys.readouterr()
    assert code == 2 and "unknown output format" in err
