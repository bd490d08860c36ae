"""The project document: everything a user makes about one video.

Immutable: every edit returns a new document, which makes undo a matter of keeping the old one.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class SegmentSource(str, enum.Enum):
    USER = "user"  # drawn or accepted by the user
    MODEL = "model"  # proposed by a model, not yet reviewed


class TierKind(str, enum.Enum):
    ANNOTATION = "annotation"  # the user's labelled segments
    SUGGESTION = "suggestion"  # model proposals waiting for review
    SUBTITLE = "subtitle"  # segments mirroring subtitle cues
    CHAPTER = "chapter"
    REJECTED = "rejected"  # suggestions the user said no to: negative examples for few-shot labelling


@dataclass(frozen=True, slots=True)
class Segment:
    start: float  # seconds
    end: float  # seconds, > start
    label: str = ""  # a name from the label vocabulary, or empty
    text: str = ""  # free text
    confidence: float | None = None  # 0..1 for model output, None for user segments
    source: SegmentSource = SegmentSource.USER
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.end > self.start:
            raise ValueError(f"segment end {self.end} must be after start {self.start}")
        if self.confidence is not None and not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    kind: TierKind = TierKind.ANNOTATION
    segments: tuple[Segment, ...] = ()
    id: str = field(default_factory=new_id)

    def sorted(self) -> "Tier":
        return replace(self, segments=tuple(sorted(self.segments, key=lambda s: (s.start, s.end))))

    def segment(self, segment_id: str) -> Segment:
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(segment_id)


@dataclass(frozen=True, slots=True)
class Word:
    start: float  # seconds
    end: float  # seconds
    text: str  # as whisper wrote it, with its leading space
    probability: float = 1.0  # the recogniser's confidence in this word, 0..1


@dataclass(frozen=True, slots=True)
class Cue:
    start: float  # seconds
    end: float  # seconds
    text: str  # may hold line breaks ("\n") placed by subtitle shaping
    speaker: str | None = None  # "Speaker 1", "off-screen", or None when unknown
    suspect: bool = False  # recognised where no one seems to speak; left out of exports
    words: tuple[Word, ...] = ()  # word timings when the recogniser gave them
    suspect_reason: str = ""  # why the gate doubts it, shown in the editor
    id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class Chapter:
    start: float  # seconds
    end: float  # seconds
    title: str
    id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str = "#4e79a7"  # "#rrggbb"
    hotkey: int | None = None  # 1..9 in the label panel


@dataclass(frozen=True, slots=True)
class VideoRef:
    path: Path  # absolute path where the video was last seen
    size_bytes: int
    fingerprint: str  # content fingerprint (see vidmeta.store.fingerprint)


@dataclass(frozen=True, slots=True)
class ProjectDocument:
    video: VideoRef | None = None
    tiers: tuple[Tier, ...] = ()
    cues: tuple[Cue, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    summary: str = ""
    labels: tuple[Label, ...] = ()

    def tier(self, tier_id: str) -> Tier:
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)

    def with_tier(self, tier: Tier) -> "ProjectDocument":
        """Replace the tier with the same id, or append it when new."""
        tiers = list(self.tiers)
        for i, t in enumerate(tiers):
            if t.id == tier.id:
                tiers[i] = tier
                return replace(self, tiers=tuple(tiers))
        return replace(self, tiers=(*tiers, tier))

    def label(self, name: str) -> Label | None:
        return next((lab for lab in self.labels if lab.name == name), None)
