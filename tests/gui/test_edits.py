"""The document edits behind every undo step (pure functions, no window)."""

from __future__ import annotations

import pytest

from vidmeta.domain import Label, ProjectDocument, Segment, SegmentSource, Tier, TierKind
from vidmeta.gui import edits
from vidmeta.gui.edits import EditError


def _doc() -> tuple[ProjectDocument, str]:
    tier = Tier("Annotations", segments=(Segment(1.0, 2.0, id="a"), Segment(3.0, 4.0, label="x", id="b")))
    return ProjectDocument(tiers=(tier,), labels=(Label("x", hotkey=1),)), tier.id


def test_create_orders_and_clamps():
    doc, tier = _doc()
    before = doc.tier(tier).segments
    doc2, seg = edits.create_segment(doc, tier, 9.5, 8.0, duration=9.0)
    assert (seg.start, seg.end) == (8.0, 9.0)
    assert [s.start for s in doc2.tier(tier).segments] == [1.0, 3.0, 8.0]
    with pytest.raises(EditError):
        edits.create_segment(doc, tier, 1.0, 1.001)
    assert doc.tier(tier).segments == before  # the input is unchanged


def test_move_keeps_lengths_and_stops_at_the_ends():
    doc, tier = _doc()
    moved = edits.move_segments(doc, tier, ["a", "b"], -5.0, duration=10.0)
    assert [(s.start, s.end) for s in moved.tier(tier).segments] == [(0.0, 1.0), (2.0, 3.0)]
    moved = edits.move_segments(doc, tier, ["b"], 100.0, duration=10.0)
    assert moved.tier(tier).segment("b").end == 10.0


def test_resize_keeps_a_minimum_length():
    doc, tier = _doc()
    out = edits.set_segment_times(doc, tier, "a", 1.99, 2.0, duration=10.0)
    seg = out.tier(tier).segment("a")
    assert seg.end == 2.0 and seg.end - seg.start == pytest.approx(edits.MIN_SEGMENT)


def test_split_merge_delete():
    doc, tier = _doc()
    doc, right = edits.split_segment(doc, tier, "a", 1.5)
    assert [(s.start, s.end) for s in doc.tier(tier).segments][:2] == [(1.0, 1.5), (1.5, 2.0)]
    assert doc.tier(tier).segment("a").end == 1.5 and right.id != "a"
    with pytest.raises(EditError):
        edits.split_segment(doc, tier, "a", 1.0)
    doc, merged = edits.merge_segments(doc, tier, ["a", right.id, "b"])
    assert (merged.start, merged.end, merged.label, merged.id) == (1.0, 4.0, "x", "a")
    assert len(doc.tier(tier).segments) == 1
    with pytest.raises(EditError):
        edits.merge_segments(doc, tier, ["a"])
    assert edits.delete_segments(doc, tier, ["a"]).tier(tier).segments == ()


def test_labels_rename_and_hotkeys_stay_unique():
    doc, tier = _doc()
    doc = edits.add_label(doc, Label("y", hotkey=1))  # takes hotkey 1 from "x"
    assert doc.label("x").hotkey is None and doc.label("y").hotkey == 1
    doc = edits.update_label(doc, "x", Label("speech", "#ff0000", 2))
    assert doc.tier(tier).segment("b").label == "speech"
    doc = edits.remove_label(doc, "speech")
    assert doc.tier(tier).segment("b").label == "" and doc.label("speech") is None
    with pytest.raises(EditError):
        edits.add_label(doc, Label("y"))


def test_accept_suggestion_becomes_a_user_segment():
    doc, tier = _doc()
    doc, sugg = edits.add_tier(doc, "Model", TierKind.SUGGESTION)
    doc = doc.with_tier(Tier(sugg.name, TierKind.SUGGESTION, (Segment(5.0, 6.0, "x", confidence=0.7,
                                                                       source=SegmentSource.MODEL, id="m"),), sugg.id))
    doc = edits.accept_suggestions(doc, sugg.id, ["m"], tier)
    accepted = doc.tier(tier).segment("m")
    assert accepted.source == SegmentSource.USER and accepted.confidence is None
    assert doc.tier(sugg.id).segments == ()


def test_import_merge_renames_clashing_tiers_and_adds_labels():
    doc, _tier = _doc()
    imported = (Tier("Annotations", segments=(Segment(0.0, 1.0, label="laugh"),)),)
    doc = edits.merge_imported(doc, imported, (Label("cough"),))
    assert [t.name for t in doc.tiers] == ["Annotations", "Annotations (2)"]
    assert {lab.name for lab in doc.labels} == {"x", "cough", "laugh"}
