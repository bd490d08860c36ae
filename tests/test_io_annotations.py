"""Annotations out and back in: ELAN .eaf round-trips tiers and segments; CSV has one row per segment."""

from __future__ import annotations

import csv

import pytest

from vidmeta.domain import Label, ProjectDocument, ProjectError, Segment, SegmentSource, Tier, TierKind
from vidmeta.io import export_csv, export_eaf, import_eaf
from vidmeta.store import video_ref


def _doc(video=None) -> ProjectDocument:
    return ProjectDocument(
        video=video,
        labels=(Label("speech", "#ff0000", 1), Label("music", "#00ff00", 2)),
        tiers=(
            Tier("Annotations", TierKind.ANNOTATION, (
                Segment(0.5, 1.25, "speech", "hello, world — déjà vu"),
                Segment(2.0, 3.0, "music"),
                Segment(4.0, 5.5, text="a note without a label"),
            )),
            Tier("Subtitles", TierKind.SUBTITLE, (Segment(1.0, 2.0, text="Hi"), Segment(2.5, 4.0, text="there"))),
            Tier("Suggestions", TierKind.SUGGESTION, (
                Segment(6.0, 7.0, "speech", confidence=0.8, source=SegmentSource.MODEL),)),
        ),
    )


def _essence(tiers):
    return [(t.name, t.kind, [(s.start, s.end, s.label, s.text) for s in t.segments]) for t in tiers]


def test_eaf_round_trip(tmp_path, numbered_video):
    doc = _doc(video_ref(numbered_video))
    path = export_eaf(doc, tmp_path / "out.eaf")
    back = import_eaf(path)
    assert _essence(back.tiers) == _essence(doc.tiers)
    assert [lab.name for lab in back.labels] == ["speech", "music"]
    assert str(numbered_video.name) in path.read_text(encoding="utf-8")  # the media is linked for ELAN


def test_eaf_opened_by_pympi_has_ms_times(tmp_path):
    import pympi

    eaf = pympi.Elan.Eaf(str(export_eaf(_doc(), tmp_path / "x.eaf")))
    assert eaf.get_annotation_data_for_tier("Annotations")[0][:3] == (500, 1250, "speech")
    assert eaf.get_tier_names() >= {"Annotations", "Annotations (text)", "Subtitles", "Suggestions"}


def test_eaf_duplicate_tier_names_refused(tmp_path):
    doc = ProjectDocument(tiers=(Tier("same"), Tier("same")))
    with pytest.raises(ProjectError, match="two tiers are named"):
        export_eaf(doc, tmp_path / "dup.eaf")


def test_eaf_import_bad_file(tmp_path):
    bad = tmp_path / "bad.eaf"
    bad.write_text("<not really xml")
    with pytest.raises(ProjectError, match="not a readable ELAN"):
        import_eaf(bad)


def test_csv_rows(tmp_path):
    path = export_csv(_doc(), tmp_path / "seg.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 6
    assert rows[0]["tier"] == "Annotations" and rows[0]["start"] == "0.500" and rows[0]["text"].startswith("hello")
    assert rows[-1]["confidence"] == "0.8000" and rows[-1]["source"] == "model"
