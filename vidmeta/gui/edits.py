"""Edits of a ProjectDocument as pure functions: each returns a new document (no Qt here).

The undo stack stores the documents before and after, so every function below is one undo step.
Times are clamped into [0, duration] and segments never get shorter than MIN_SEGMENT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from vidmeta.domain import Label, ProjectDocument, Segment, SegmentSource, Tier, TierKind
from vidmeta.domain.document import new_id

MIN_SEGMENT = 0.02  # seconds: shorter segments cannot be seen or grabbed on the timeline
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")


class EditError(ValueError):
    """An edit that cannot be made as asked; the message is shown in the status bar."""


def _clamp(t: float, duration: float | None) -> float:
    t = max(0.0, t)
    return min(t, duration) if duration else t


def _replace_segments(doc: ProjectDocument, tier: Tier, segments: Iterable[Segment]) -> ProjectDocument:
    return doc.with_tier(replace(tier, segments=tuple(sorted(segments, key=lambda s: (s.start, s.end)))))


def _pick(tier: Tier, ids: Iterable[str]) -> list[Segment]:
    wanted = set(ids)
    found = [s for s in tier.segments if s.id in wanted]
    if not found:
        raise EditError("no segment selected")
    return found


# Tiers ---------------------------------------------------------------------------------------


def add_tier(doc: ProjectDocument, name: str, kind: TierKind = TierKind.ANNOTATION) -> tuple[ProjectDocument, Tier]:
    name = name.strip()
    if not name:
        raise EditError("a tier needs a name")
    if any(t.name == name for t in doc.tiers):
        raise EditError(f"a tier named {name!r} exists already")
    tier = Tier(name=name, kind=kind)
    return doc.with_tier(tier), tier


def ensure_annotation_tier(doc: ProjectDocument, name: str = "Annotations") -> tuple[ProjectDocument, str]:
    """The first annotation tier's id, creating one when the document has none."""
    for t in doc.tiers:
        if t.kind == TierKind.ANNOTATION:
            return doc, t.id
    doc, tier = add_tier(doc, name)
    return doc, tier.id


def rename_tier(doc: ProjectDocument, tier_id: str, name: str) -> ProjectDocument:
    name = name.strip()
    if not name:
        raise EditError("a tier needs a name")
    if any(t.name == name and t.id != tier_id for t in doc.tiers):
        raise EditError(f"a tier named {name!r} exists already")
    return doc.with_tier(replace(doc.tier(tier_id), name=name))


def remove_tier(doc: ProjectDocument, tier_id: str) -> ProjectDocument:
    doc.tier(tier_id)  # KeyError for an unknown id
    return replace(doc, tiers=tuple(t for t in doc.tiers if t.id != tier_id))


# Segments ------------------------------------------------------------------------------------


def create_segment(
    doc: ProjectDocument, tier_id: str, start: float, end: float, *, label: str = "", duration: float | None = None
) -> tuple[ProjectDocument, Segment]:
    start, end = sorted((_clamp(start, duration), _clamp(end, duration)))
    if end - start < MIN_SEGMENT:
        raise EditError(f"a segment must last at least {MIN_SEGMENT * 1000:.0f} ms")
    tier = doc.tier(tier_id)
    seg = Segment(start=start, end=end, label=label)
    return _replace_segments(doc, tier, (*tier.segments, seg)), seg


def set_segment_times(
    doc: ProjectDocument, tier_id: str, segment_id: str, start: float, end: float, *, duration: float | None = None
) -> ProjectDocument:
    """Resize (or move) one segment; the edge that was not dragged stays where it was."""
    tier = doc.tier(tier_id)
    seg = tier.segment(segment_id)
    start, end = _clamp(start, duration), _clamp(end, duration)
    if end - start < MIN_SEGMENT:
        if start != seg.start:
            start = end - MIN_SEGMENT
        else:
            end = start + MIN_SEGMENT
    if start < 0 or (duration and end > duration):
        raise EditError("the segment would leave the video")
    new = replace(seg, start=start, end=end)
    return _replace_segments(doc, tier, (new if s.id == segment_id else s for s in tier.segments))


def move_segments(
    doc: ProjectDocument, tier_id: str, ids: Iterable[str], delta: float, *, duration: float | None = None
) -> ProjectDocument:
    """Shift segments by delta seconds, keeping their lengths; the shift stops at the video's ends."""
    tier = doc.tier(tier_id)
    moving = _pick(tier, ids)
    lo = min(s.start for s in moving)
    hi = max(s.end for s in moving)
    delta = max(delta, -lo)
    if duration:
        delta = min(delta, duration - hi)
    moved = {s.id: replace(s, start=s.start + delta, end=s.end + delta) for s in moving}
    return _replace_segments(doc, tier, (moved.get(s.id, s) for s in tier.segments))


def split_segment(doc: ProjectDocument, tier_id: str, segment_id: str, t: float) -> tuple[ProjectDocument, Segment]:
    """Cut a segment in two at t; the left part keeps the id, the right part is returned."""
    tier = doc.tier(tier_id)
    seg = tier.segment(segment_id)
    if not seg.start + MIN_SEGMENT <= t <= seg.end - MIN_SEGMENT:
        raise EditError("the playhead is not inside the segment")
    left = replace(seg, end=t)
    right = replace(seg, start=t, id=new_id())
    return _replace_segments(doc, tier, (*(s for s in tier.segments if s.id != segment_id), left, right)), right


def merge_segments(doc: ProjectDocument, tier_id: str, ids: Iterable[str]) -> tuple[ProjectDocument, Segment]:
    """Join segments into one spanning them all; the first keeps its id, label and confidence."""
    tier = doc.tier(tier_id)
    parts = sorted(_pick(tier, ids), key=lambda s: (s.start, s.end))
    if len(parts) < 2:
        raise EditError("select two or more segments of one tier to merge")
    first = parts[0]
    label = next((s.label for s in parts if s.label), "")
    text = " ".join(s.text.strip() for s in parts if s.text.strip())
    merged = replace(first, end=max(s.end for s in parts), label=label, text=text)
    gone = {s.id for s in parts}
    return _replace_segments(doc, tier, (*(s for s in tier.segments if s.id not in gone), merged)), merged


def delete_segments(doc: ProjectDocument, tier_id: str, ids: Iterable[str]) -> ProjectDocument:
    tier = doc.tier(tier_id)
    gone = {s.id for s in _pick(tier, ids)}
    return _replace_segments(doc, tier, (s for s in tier.segments if s.id not in gone))


def set_label(doc: ProjectDocument, tier_id: str, ids: Iterable[str], label: str) -> ProjectDocument:
    tier = doc.tier(tier_id)
    chosen = {s.id for s in _pick(tier, ids)}
    return _replace_segments(doc, tier, (replace(s, label=label) if s.id in chosen else s for s in tier.segments))


def set_text(doc: ProjectDocument, tier_id: str, segment_id: str, text: str) -> ProjectDocument:
    tier = doc.tier(tier_id)
    tier.segment(segment_id)
    return _replace_segments(doc, tier, (replace(s, text=text) if s.id == segment_id else s for s in tier.segments))


def accept_suggestions(doc: ProjectDocument, tier_id: str, ids: Iterable[str], target_tier_id: str) -> ProjectDocument:
    """Move model suggestions into an annotation tier as the user's own segments."""
    if tier_id == target_tier_id:
        raise EditError("the segments are in the target tier already")
    source = doc.tier(tier_id)
    taken = _pick(source, ids)
    gone = {s.id for s in taken}
    doc = _replace_segments(doc, source, (s for s in source.segments if s.id not in gone))
    target = doc.tier(target_tier_id)
    accepted = (replace(s, source=SegmentSource.USER, confidence=None) for s in taken)
    return _replace_segments(doc, target, (*target.segments, *accepted))


def reject_suggestions(doc: ProjectDocument, tier_id: str, ids: Iterable[str],
                       rejected_name: str = "Rejected suggestions") -> ProjectDocument:
    """Move model suggestions into the rejected tier (created when missing): "not this label here"."""
    source = doc.tier(tier_id)
    if source.kind != TierKind.SUGGESTION:
        raise EditError("only model suggestions can be rejected")
    taken = _pick(source, ids)
    gone = {s.id for s in taken}
    doc = _replace_segments(doc, source, (s for s in source.segments if s.id not in gone))
    target = next((t for t in doc.tiers if t.kind == TierKind.REJECTED), None)
    if target is None:
        doc, target = add_tier(doc, rejected_name, TierKind.REJECTED)
    return _replace_segments(doc, target, (*target.segments, *(replace(s, confidence=None) for s in taken)))


def replace_suggestions(doc: ProjectDocument, tier: Tier) -> ProjectDocument:
    """Put a fresh suggestions tier in place of the one with its name (keeping that row), or add it."""
    old = next((t for t in doc.tiers if t.kind == TierKind.SUGGESTION and t.name == tier.name), None)
    if old is None:
        return doc.with_tier(tier)
    return _replace_segments(doc, old, tier.segments)


# Label vocabulary ----------------------------------------------------------------------------


def next_free_hotkey(labels: Iterable[Label]) -> int | None:
    used = {lab.hotkey for lab in labels}
    return next((k for k in range(1, 10) if k not in used), None)


def new_label(doc: ProjectDocument, name: str) -> Label:
    """A label with the next palette colour and the next free hotkey."""
    return Label(name=name.strip(), color=PALETTE[len(doc.labels) % len(PALETTE)], hotkey=next_free_hotkey(doc.labels))


def _unique_hotkeys(labels: list[Label], keeper: Label) -> list[Label]:
    # A hotkey names one label: giving it to `keeper` takes it from any other.
    if keeper.hotkey is None:
        return labels
    return [lab if lab is keeper or lab.hotkey != keeper.hotkey else replace(lab, hotkey=None) for lab in labels]


def add_label(doc: ProjectDocument, label: Label) -> ProjectDocument:
    if not label.name:
        raise EditError("a label needs a name")
    if doc.label(label.name) is not None:
        raise EditError(f"the label {label.name!r} exists already")
    return replace(doc, labels=tuple(_unique_hotkeys([*doc.labels, label], label)))


def update_label(doc: ProjectDocument, old_name: str, label: Label) -> ProjectDocument:
    """Change a label's name, colour or hotkey; segments carrying the old name are renamed too."""
    if doc.label(old_name) is None:
        raise EditError(f"no label named {old_name!r}")
    if not label.name:
        raise EditError("a label needs a name")
    if label.name != old_name and doc.label(label.name) is not None:
        raise EditError(f"the label {label.name!r} exists already")
    labels = _unique_hotkeys([label if lab.name == old_name else lab for lab in doc.labels], label)
    doc = replace(doc, labels=tuple(labels))
    if label.name != old_name:
        for tier in doc.tiers:
            if any(s.label == old_name for s in tier.segments):
                doc = doc.with_tier(
                    replace(tier, segments=tuple(replace(s, label=label.name) if s.label == old_name else s
                                                 for s in tier.segments))
                )
    return doc


def remove_label(doc: ProjectDocument, name: str) -> ProjectDocument:
    """Drop a label from the vocabulary; segments that carried it become unlabelled."""
    if doc.label(name) is None:
        raise EditError(f"no label named {name!r}")
    doc = replace(doc, labels=tuple(lab for lab in doc.labels if lab.name != name))
    for tier in doc.tiers:
        if any(s.label == name for s in tier.segments):
            doc = doc.with_tier(
                replace(tier, segments=tuple(replace(s, label="") if s.label == name else s for s in tier.segments))
            )
    return doc


def merge_imported(doc: ProjectDocument, tiers: Iterable[Tier], labels: Iterable[Label]) -> ProjectDocument:
    """Add imported tiers (renamed when a name is taken) and vocabulary entries not yet known."""
    taken = {t.name for t in doc.tiers}
    for tier in tiers:
        name, n = tier.name, 2
        while name in taken:
            name, n = f"{tier.name} ({n})", n + 1
        taken.add(name)
        doc = doc.with_tier(replace(tier, name=name))
    for lab in labels:
        if doc.label(lab.name) is None:
            fresh = new_label(doc, lab.name)
            doc = replace(doc, labels=(*doc.labels, fresh))
    for tier in doc.tiers:  # labels used by segments but missing from the vocabulary
        for s in tier.segments:
            if s.label and doc.label(s.label) is None and tier.kind != TierKind.SUBTITLE:
                doc = replace(doc, labels=(*doc.labels, new_label(doc, s.label)))
    return doc
