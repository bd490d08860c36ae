"""The audio-visual gate: whisper's text is kept only where the evidence says someone speaks.

Evidence comes from the features layer: speech regions (audio VAD combined with lip activity) and,
per analysis window, whether a face is visible, whether its mouth moves, and which face track
speaks. A recognised segment is marked suspect, never silently dropped, when it lies outside every
speech region, or when whisper itself doubts speech while a visible face keeps its mouth still.
Speakers are named after the active face track ("Speaker 1", ...), "off-screen" when speech has no
visible speaker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from vidmeta.domain import Cue, TimeRange
from vidmeta.speech.recognize import RecognizedSegment

OFF_SCREEN = "off-screen"


@dataclass(frozen=True, slots=True)
class WindowEvidence:
    start: float  # seconds
    end: float  # seconds
    face_visible: bool  # at least one face track covers this window
    lips_moving: bool  # the active (or only) visible mouth moves in speech-like ways
    active_track: int | None  # id of the face track that speaks, None when no visible face does


@dataclass(frozen=True, slots=True)
class SpeechEvidence:
    regions: tuple[TimeRange, ...]  # where someone speaks (audio-visual), in time order
    windows: tuple[WindowEvidence, ...] = ()  # per analysis window; empty for audio-only media


@dataclass(frozen=True, slots=True)
class GateOptions:
    min_speech_overlap: float = 0.5  # share of a segment that must lie in speech regions
    no_speech_threshold: float = 0.5  # whisper's no-speech probability above which it doubts speech


def _overlap(span: TimeRange, regions: Sequence[TimeRange]) -> float:
    return sum(span.overlap(r) for r in regions)


def _covered(seg: RecognizedSegment, windows: Sequence[WindowEvidence]) -> list[WindowEvidence]:
    return [w for w in windows if min(w.end, seg.end) - max(w.start, seg.start) > 0]


def _speaker_names(tracks: Sequence[int]) -> dict[int, str]:
    """Speaker numbers in order of first appearance, so "Speaker 1" is whoever speaks first."""
    names: dict[int, str] = {}
    for track in tracks:
        names.setdefault(track, f"Speaker {len(names) + 1}")
    return names


def gate_segments(
    segments: Sequence[RecognizedSegment], evidence: SpeechEvidence, *, options: GateOptions = GateOptions()
) -> list[Cue]:
    cues_info = []
    for seg in segments:
        span = TimeRange(seg.start, max(seg.end, seg.start))
        windows = _covered(seg, evidence.windows)
        reason = ""
        in_speech = _overlap(span, evidence.regions) / span.duration if span.duration > 0 else 0.0
        if in_speech < options.min_speech_overlap:
            reason = f"outside detected speech ({in_speech:.0%} of it inside)"
        elif (
            seg.no_speech_prob > options.no_speech_threshold
            and windows
            and all(w.face_visible for w in windows)
            and not any(w.lips_moving for w in windows)
        ):
            reason = f"whisper doubts speech (p={seg.no_speech_prob:.2f}) and the visible mouth is still"
        votes = Counter(w.active_track for w in windows if w.active_track is not None)
        track = votes.most_common(1)[0][0] if votes else None
        cues_info.append((seg, reason, track))
    names = _speaker_names([t for _, _, t in cues_info if t is not None])
    cues = []
    for seg, reason, track in cues_info:
        if track is not None:
            speaker = names[track]
        elif evidence.windows:
            speaker = OFF_SCREEN
        else:
            speaker = None  # audio only: nobody to see
        cues.append(Cue(start=seg.start, end=seg.end, text=seg.text, speaker=speaker, suspect=bool(reason),
                        suspect_reason=reason, words=seg.words))
    return cues
