"""Project documents: round-trips, atomic saves, backups, migrations, refusals, relinking."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vidmeta.store.project_file as project_file
from vidmeta.domain import (
    Chapter, Cue, Label, ProjectDocument, ProjectError, Segment, SegmentSource, Tier, TierKind, Word,
)
from vidmeta.store import (
    SCHEMA_VERSION, default_project_path, document_to_dict, find_moved_video, load_project, save_project,
    video_ref,
)

text = st.text(max_size=30)  # any unicode, quotes and newlines included
times = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)


@st.composite
def segments(draw):
    start = draw(times)
    length = draw(st.floats(min_value=1e-3, max_value=1e3, allow_nan=False))
    source = draw(st.sampled_from(SegmentSource))
    return Segment(
        start=start, end=start + length, label=draw(text), text=draw(text),
        confidence=draw(st.none() | st.floats(min_value=0, max_value=1)), source=source,
    )


@st.composite
def documents(draw):
    tiers = draw(st.lists(st.builds(Tier, name=text, kind=st.sampled_from(TierKind),
                                    segments=st.lists(segments(), max_size=5).map(tuple)), max_size=4))
    words = st.lists(st.builds(Word, start=times, end=times, text=text, probability=st.floats(0, 1)), max_size=3)
    cues = draw(st.lists(st.builds(Cue, start=times, end=times, text=text, speaker=st.none() | text,
                                   suspect=st.booleans(), words=words.map(tuple), suspect_reason=text),
                         max_size=4))
    chapters = draw(st.lists(st.builds(Chapter, start=times, end=times, title=text), max_size=3))
    labels = draw(st.lists(st.builds(Label, name=text, color=st.sampled_from(["#112233", "#abcdef"]),
                                     hotkey=st.none() | st.integers(1, 9)), max_size=4))
    return ProjectDocument(tiers=tuple(tiers), cues=tuple(cues), chapters=tuple(chapters),
                           labels=tuple(labels), summary=draw(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_round_trip_is_exact(tmp_path, doc):
    path = tmp_path / "p.vidmeta.json"
    save_project(doc, path)
    assert load_project(path) == doc


def test_round_trip_with_video(numbered_video, tmp_path):
    doc = ProjectDocument(video=video_ref(numbered_video), tiers=(Tier("Mine", segments=(Segment(0.1, 0.5, "a"),)),))
    path = save_project(doc, default_project_path(tmp_path / "clip.mp4"))
    assert path.name == "clip.mp4.vidmeta.json"
    assert load_project(path) == doc


def test_save_keeps_previous_version_as_backup(tmp_path):
    path = tmp_path / "p.vidmeta.json"
    first = ProjectDocument(summary="first")
    save_project(first, path)
    save_project(ProjectDocument(summary="second"), path)
    assert load_project(path).summary == "second"
    assert load_project(path.with_name(path.name + ".bak")).summary == "first"


def test_interrupted_save_leaves_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "p.vidmeta.json"
    save_project(ProjectDocument(summary="safe"), path)
    before = path.read_bytes()

    real_fsync = project_file.os.fsync

    def crash_after_partial_write(fd):
        real_fsync(fd)
        raise KeyboardInterrupt  # the process is stopped mid-save, after the temp file was written

    monkeypatch.setattr(project_file.os, "fsync", crash_after_partial_write)
    big = ProjectDocument(summary="new " * 100000)
    with pytest.raises(KeyboardInterrupt):
        save_project(big, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind


def test_disk_error_during_write_is_a_project_error(tmp_path, monkeypatch):
    path = tmp_path / "p.vidmeta.json"
    save_project(ProjectDocument(summary="safe"), path)
    before = path.read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_file.os, "fsync", full_disk)
    with pytest.raises(ProjectError, match="No space left"):
        save_project(ProjectDocument(summary="x"), path)
    assert path.read_bytes() == before


def _write(path, data) -> bytes:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    path.write_bytes(raw)
    return raw


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"format": "vidmeta-project", "schema_version": 2, "tiers": [', "invalid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ({"format": "vidmeta-project", "schema_version": 99}, "newer vidmeta"),
        ({"format": "something-else"}, "not a vidmeta project"),
        ({"format": "vidmeta-project", "schema_version": 2, "tiers": [{"name": "x"}]}, "corrupt"),
        ({"format": "vidmeta-project", "schema_version": "two"}, "bad schema_version"),
    ],
    ids=["truncated-json", "binary", "newer-schema", "foreign-json", "missing-field", "bad-version"],
)
def test_bad_project_refused_and_untouched(tmp_path, content, reason):
    path = tmp_path / "p.vidmeta.json"
    raw = _write(path, content)
    with pytest.raises(ProjectError, match=reason):
        load_project(path)
    assert path.read_bytes() == raw


def test_schema_1_migrates(tmp_path):
    v1 = {
        "format": "vidmeta-project",
        "schema_version": 1,
        "video": None,
        "tiers": [
            {"id": "t1", "name": "Mine", "kind": "annotation",
             "segments": [{"id": "s1", "start": 0, "end": 1, "label": "dog", "text": "", "score": None}]},
            {"id": "t2", "name": "Model", "kind": "suggestion",
             "segments": [{"id": "s2", "start": 1, "end": 2, "label": "cat", "text": "", "score": 0.7}]},
        ],
        "cues": [], "chapters": [], "summary": "",
    }
    path = tmp_path / "old.vidmeta.json"
    raw = _write(path, v1)
    doc = load_project(path)
    assert [lab.name for lab in doc.labels] == ["dog", "cat"]
    assert doc.tier("t2").segment("s2").source is SegmentSource.MODEL
    assert doc.tier("t2").segment("s2").confidence == 0.7
    assert doc.tier("t1").segment("s1").source is SegmentSource.USER
    assert path.read_bytes() == raw  # loading never rewrites; the user's next save writes schema 2
    save_project(doc, path)
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_moved_video_found_by_fingerprint(numbered_video, video_only, tmp_path):
    original = tmp_path / "a" / "clip.mp4"
    original.parent.mkdir()
    shutil.copy(numbered_video, original)
    ref = video_ref(original)
    moved_dir = tmp_path / "elsewhere" / "deeper"
    moved_dir.mkdir(parents=True)
    shutil.copy(video_only, moved_dir / "decoy.mp4")
    original.rename(moved_dir / "renamed.mp4")
    assert find_moved_video(ref, tmp_path / "elsewhere") == (moved_dir / "renamed.mp4").resolve()
    assert find_moved_video(ref, moved_dir / "decoy.mp4") is None


def test_document_dict_is_json_text_only():
    doc = ProjectDocument(tiers=(Tier("t", segments=(Segment(0, 1, "x", "y", 0.5, SegmentSource.MODEL),)),))
    assert json.loads(json.dumps(document_to_dict(doc)))["tiers"][0]["segments"][0]["source"] == "model"
