"""The audio-visual gate on hand-made evidence (the end-to-end gate tests use real clips)."""

from __future__ import annotations

from vidmeta.domain import TimeRange
from vidmeta.speech.gate import OFF_SCREEN, SpeechEvidence, WindowEvidence, gate_segments
from vidmeta.speech.recognize import RecognizedSegment


def seg(start, end, text="words", no_speech=0.1):
    return RecognizedSegment(start, end, text, (), -0.3, no_speech, 1.1, 0.0, "en", 0)


def windows(spec):
    """spec: list of (face_visible, lips_moving, active_track) per 1 s window from 0."""
    return tuple(WindowEvidence(i, i + 1.0, f, m, t) for i, (f, m, t) in enumerate(spec))


def test_outside_speech_is_suspect_inside_is_kept():
    evidence = SpeechEvidence(regions=(TimeRange(1, 3),))
    cues = gate_segments([seg(1.2, 2.8), seg(5, 6), seg(2.5, 3.5)], evidence)
    assert [c.suspect for c in cues] == [False, True, False]
    assert "outside detected speech" in cues[1].suspect_reason
    assert all(c.speaker is None for c in cues)  # no picture: no speaker claims


def test_still_mouth_with_doubtful_whisper_is_suspect():
    evidence = SpeechEvidence(regions=(TimeRange(0, 4),),
                              windows=windows([(True, False, None)] * 2 + [(True, True, 7)] * 2))
    cues = gate_segments([seg(0.1, 1.9, no_speech=0.8), seg(0.1, 1.9, no_speech=0.2), seg(2.1, 3.9, no_speech=0.8)],
                         evidence)
    assert [c.suspect for c in cues] == [True, False, False]
    assert "mouth is still" in cues[0].suspect_reason


def test_speakers_numbered_by_first_appearance_and_off_screen():
    evidence = SpeechEvidence(
        regions=(TimeRange(0, 6),),
        windows=windows([(True, True, 4), (True, True, 4), (True, True, 2), (True, False, None), (False, False, None),
                         (True, True, 4)]),
    )
    cues = gate_segments([seg(0, 2), seg(2, 3), seg(3.1, 4.9), seg(5, 6)], evidence)
    assert [c.speaker for c in cues] == ["Speaker 1", "Speaker 2", OFF_SCREEN, "Speaker 1"]
