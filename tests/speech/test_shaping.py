"""Subtitle shaping rules as properties: line limits, no overlap, warnings that match the numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vidmeta.domain import Cue, SubtitleOptions, Word
from vidmeta.speech.shaping import break_lines, cue_warnings, shape_cues

word_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé'", min_size=1, max_size=12)


@st.composite
def recognised(draw):
    """Cues with word timings in time order, as the recogniser produces them."""
    t = draw(st.floats(0, 5))
    cues = []
    for _ in range(draw(st.integers(1, 6))):
        words = []
        for _ in range(draw(st.integers(1, 30))):
            t += draw(st.floats(0, 1.5))  # pause before the word
            length = draw(st.floats(0.05, 1.0))
            text = draw(word_text) + draw(st.sampled_from(["", "", "", ".", ",", "?"]))
            words.append(Word(t, t + length, " " + text))
            t += length
        cues.append(Cue(words[0].start, words[-1].end, "".join(w.text for w in words).strip(),
                        speaker=draw(st.sampled_from([None, "Speaker 1", "off-screen"])), words=tuple(words)))
    return cues


options_strategy = st.builds(
    SubtitleOptions,
    max_chars_per_line=st.integers(20, 50),
    max_lines=st.integers(1, 3),
    max_chars_per_second=st.floats(10, 25),
    min_duration=st.floats(0.5, 1.5),
    max_duration=st.floats(3, 8),
)


@settings(max_examples=150, deadline=None)
@given(cues=recognised(), opts=options_strategy, cuts=st.lists(st.floats(0, 120), max_size=6))
def test_shaped_cues_obey_the_rules(cues, opts, cuts):
    shaped = shape_cues(cues, options=opts, shot_changes=cuts)
    for cue in shaped:
        lines = cue.text.split("\n")
        assert len(lines) <= opts.max_lines
        assert all(len(line) <= opts.max_chars_per_line for line in lines)
        assert cue.end > cue.start
        assert cue.end - cue.start <= opts.max_duration + 1e-9
    for a, b in zip(shaped, shaped[1:]):
        assert a.end <= b.start  # no overlap
    # Every word survives, in order, and keeps its speaker.
    assert [w.text for c in shaped for w in c.words] == [w.text for c in cues for w in c.words]
    speakers = {w.text + str(w.start): c.speaker for c in cues for w in c.words}
    assert all(speakers[w.text + str(w.start)] == c.speaker for c in shaped for w in c.words)


@settings(max_examples=150, deadline=None)
@given(cues=st.lists(st.builds(Cue, start=st.floats(0, 100), end=st.floats(0, 100),
                               text=st.text(alphabet="ab \n", max_size=120)), max_size=6),
       opts=options_strategy)
def test_warnings_match_the_numbers(cues, opts):
    cues = sorted((c for c in cues if c.end > c.start), key=lambda c: c.start)
    for i, (cue, problems) in enumerate(zip(cues, cue_warnings(cues, opts))):
        cps = len(cue.text.replace("\n", "")) / (cue.end - cue.start)
        assert any("CPS" in p for p in problems) == (cps > opts.max_chars_per_second)
        too_long_line = any(len(line) > opts.max_chars_per_line for line in cue.text.split("\n"))
        assert any("characters >" in p for p in problems) == too_long_line
        overlaps = i + 1 < len(cues) and cues[i + 1].start < cue.end - 1e-9
        assert ("overlaps the next cue" in problems) == overlaps


def test_break_lines_balances():
    lines = break_lines("one two three four five six seven eight nine ten eleven", max_chars=42, max_lines=2)
    assert lines == ["one two three four five six", "seven eight nine ten eleven"]  # 27 and 27 characters
    assert break_lines("x " * 60, max_chars=42, max_lines=2) is None


def test_shot_change_snaps_boundary():
    words = tuple(Word(1.0 + i * 0.3, 1.25 + i * 0.3, f" w{i}.") for i in range(3))
    cue = Cue(1.0, words[-1].end, "w0. w1. w2.", words=words)
    shaped = shape_cues([cue], options=SubtitleOptions(min_duration=0.2), shot_changes=[0.85])
    assert shaped[0].start == pytest.approx(0.85)


def test_suspect_warning_and_text_without_words():
    cue = Cue(0, 4, "a cue with no word timings that is long enough to need two lines in the end", suspect=True,
              suspect_reason="no lip movement")
    shaped = shape_cues([cue], options=SubtitleOptions())
    assert all(c.suspect for c in shaped)
    assert cue_warnings(shaped, SubtitleOptions())[0][-1] == "suspect: no lip movement"


def test_no_cue_lingers_past_the_end_of_the_media():
    from vidmeta.domain import Cue, SubtitleOptions
    from vidmeta.speech.shaping import shape_cues

    cues = [Cue(2.6, 2.9, "a short last word")]
    shaped = shape_cues(cues, options=SubtitleOptions(), duration=3.0)
    assert shaped[-1].end == 3.0 and shaped[-1].start == 2.6  # would linger to 2.6 + min duration
    assert shape_cues(cues, options=SubtitleOptions())[-1].end > 3.0  # without the duration it lingers
