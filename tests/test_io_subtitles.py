"""Subtitle and transcript formats: written and read back identically; suspect cues left out."""

from __future__ import annotations

import json

import pytest

from vidmeta.domain import Cue, ProjectError, Word
from vidmeta.io import (
    export_subtitles, export_transcript_json, export_transcript_txt, import_subtitles, import_transcript_json,
)

CUES = [
    Cue(0.5, 1.25, "Hello there,\nsecond line — déjà vu", speaker="Speaker 1",
        words=(Word(0.5, 0.8, " Hello", 0.9), Word(0.8, 1.2, " there,", 0.8))),
    Cue(2.0, 3.5, "Bye now & then, 5 < 6", speaker="off-screen"),
    Cue(4.0, 5.0, "a line nobody said", suspect=True, suspect_reason="outside detected speech"),
    Cue(3600 + 61.042, 3600 + 62.5, "after an hour"),
]


@pytest.mark.parametrize(
    "suffix, keeps_speaker, resolution",
    [(".srt", False, 0.001), (".vtt", True, 0.001), (".ass", True, 0.01)],  # ASS counts centiseconds
)
def test_subtitles_round_trip(tmp_path, suffix, keeps_speaker, resolution):
    path = export_subtitles(CUES, tmp_path / f"subs{suffix}")
    back = import_subtitles(path)
    kept = [c for c in CUES if not c.suspect]
    assert [c.text for c in back] == [c.text for c in kept]
    for b, k in zip(back, kept):
        assert b.start == pytest.approx(k.start, abs=resolution / 2 + 1e-9)
        assert b.end == pytest.approx(k.end, abs=resolution / 2 + 1e-9)
    if keeps_speaker:
        assert [c.speaker for c in back] == [c.speaker for c in kept]


def test_suspect_cues_kept_on_request(tmp_path):
    back = import_subtitles(export_subtitles(CUES, tmp_path / "all.srt", include_suspect=True))
    assert "a line nobody said" in [c.text for c in back]


def test_transcript_json_round_trip(tmp_path):
    back = import_transcript_json(export_transcript_json(CUES, tmp_path / "t.json"))
    kept = [c for c in CUES if not c.suspect]
    assert [(c.start, c.end, c.text, c.speaker, c.words) for c in back] == \
        [(c.start, c.end, c.text, c.speaker, c.words) for c in kept]
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["cues"][0]["words"][0]["word"] == " Hello"


def test_transcript_txt_paragraphs_by_speaker(tmp_path):
    text = export_transcript_txt(CUES, tmp_path / "t.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "[00:00:00] Speaker 1: Hello there, second line — déjà vu"
    assert "[00:00:02] off-screen: Bye now & then, 5 < 6" in text
    assert "nobody said" not in text and "[01:01:01] after an hour" in text


def test_bad_subtitle_files(tmp_path):
    with pytest.raises(ProjectError, match="unknown subtitle format"):
        export_subtitles(CUES, tmp_path / "x.docx")
    with pytest.raises(ProjectError, match="no such subtitle file"):
        import_subtitles(tmp_path / "missing.srt")
    garbage = tmp_path / "garbage.ass"
    garbage.write_bytes(b"\x00\xff\xfe not subtitles")
    with pytest.raises(ProjectError):
        import_subtitles(garbage)
