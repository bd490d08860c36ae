"""Which rows the timeline shows, top to bottom, and how tall they are (no Qt)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from vidmeta.domain import Chapter, Cue, ProjectDocument, Segment, TierKind


class RowKind(enum.Enum):
    RULER = "ruler"
    THUMBNAILS = "thumbnails"
    WAVEFORM = "waveform"
    TIER = "tier"  # a tier of the document: editable segments
    CUES = "cues"  # the document's subtitle cues when no subtitle tier mirrors them (read only)
    CHAPTERS = "chapters"  # the document's chapters when no chapter tier mirrors them (read only)
    AV_SPEECH = "av_speech"  # audio-visual speech activity from the speaker analysis (read only)
    FACE_TRACK = "face_track"  # one face track's time on screen, and when it speaks (read only)


ROW_HEIGHT = {RowKind.RULER: 26, RowKind.THUMBNAILS: 46, RowKind.WAVEFORM: 52, RowKind.TIER: 34,
              RowKind.CUES: 34, RowKind.CHAPTERS: 26, RowKind.AV_SPEECH: 40, RowKind.FACE_TRACK: 24}
FIXED_ROWS = (RowKind.RULER, RowKind.THUMBNAILS, RowKind.WAVEFORM)  # not scrolled away vertically


@dataclass(frozen=True, slots=True)
class Row:
    kind: RowKind
    top: int
    height: int
    title: str
    tier_id: str | None = None
    tier_kind: TierKind | None = None
    track_id: int | None = None  # the face track of a FACE_TRACK row

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def editable(self) -> bool:
        return self.kind == RowKind.TIER


def layout_rows(doc: ProjectDocument, *, show_thumbnails: bool = True, show_waveform: bool = True,
                face_tracks: Sequence[tuple[int, str]] | None = None) -> list[Row]:
    """`face_tracks`: (track id, title) of the speaker analysis, None before one was made."""
    rows: list[Row] = []
    y = 0

    def add(kind: RowKind, title: str, tier_id: str | None = None, tier_kind: TierKind | None = None,
            track_id: int | None = None) -> None:
        nonlocal y
        rows.append(Row(kind, y, ROW_HEIGHT[kind], title, tier_id, tier_kind, track_id))
        y += ROW_HEIGHT[kind]

    add(RowKind.RULER, "Time")
    if show_thumbnails:
        add(RowKind.THUMBNAILS, "Frames")
    if show_waveform:
        add(RowKind.WAVEFORM, "Audio")
    kinds = {t.kind for t in doc.tiers}
    for tier in doc.tiers:
        add(RowKind.TIER, tier.name, tier.id, tier.kind)
    if doc.cues and TierKind.SUBTITLE not in kinds:
        add(RowKind.CUES, "Subtitles")
    if doc.chapters and TierKind.CHAPTER not in kinds:
        add(RowKind.CHAPTERS, "Chapters")
    if face_tracks is not None:
        add(RowKind.AV_SPEECH, "Speech (audio-visual)")
        for track_id, title in face_tracks:
            add(RowKind.FACE_TRACK, title, track_id=track_id)
    return rows


def cue_segment(cue: Cue) -> Segment:
    """A subtitle cue drawn like a segment in the read-only subtitles row."""
    return Segment(start=cue.start, end=max(cue.end, cue.start + 1e-3), text=cue.text, id=cue.id)


def chapter_segment(ch: Chapter) -> Segment:
    return Segment(start=ch.start, end=max(ch.end, ch.start + 1e-3), text=ch.title, id=ch.id)
