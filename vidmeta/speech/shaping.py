"""Subtitle shaping: recognised words into readable cues (line length, lines per cue, duration,
reading speed, gaps, shot changes), and the warnings an editor shows for any cue list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from vidmeta.domain import Cue, SubtitleOptions, Word

_SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
_PAUSE_SPLIT_S = 1.0  # a silence this long between words always starts a new cue


def words_of(start: float, end: float, text: str, words: Sequence[Word] = ()) -> list[Word]:
    """The segment's word timings, or, when the recogniser gave none, words spread over its
    duration in proportion to their length (so that a split still falls near the right moment)."""
    if words:
        return [w for w in words if w.text.strip()]
    tokens = text.split()
    if not tokens:
        return []
    total = sum(len(t) + 1 for t in tokens)
    out, t = [], start
    for token in tokens:
        dt = (end - start) * (len(token) + 1) / total
        out.append(Word(t, t + dt, " " + token))
        t += dt
    return out


def break_lines(text: str, *, max_chars: int, max_lines: int) -> list[str] | None:
    """Balanced lines of at most `max_chars`, or None when the text needs more than `max_lines`.

    A single word longer than the limit gets a line of its own (it cannot be broken).
    """
    words = text.split()
    if not words:
        return [""]
    if len(" ".join(words)) <= max_chars:
        return [" ".join(words)]
    best: list[str] | None = None
    if max_lines >= 2:
        for cut in range(1, len(words)):
            lines = [" ".join(words[:cut]), " ".join(words[cut:])]
            if all(len(line) <= max_chars or " " not in line for line in lines):
                if best is None or max(map(len, lines)) < max(map(len, best)):
                    best = lines
    if best is not None or max_lines <= 2:
        return best
    # More than two lines allowed: fill greedily.
    lines, current = [], ""
    for w in words:
        if current and len(current) + 1 + len(w) > max_chars:
            lines.append(current)
            current = w
        else:
            current = f"{current} {w}" if current else w
    lines.append(current)
    return lines if len(lines) <= max_lines else None


def _fits(words: Sequence[Word], opts: SubtitleOptions) -> bool:
    text = "".join(w.text for w in words)
    return break_lines(text, max_chars=opts.max_chars_per_line, max_lines=opts.max_lines) is not None


def group_words(words: Sequence[Word], opts: SubtitleOptions) -> list[list[Word]]:
    groups: list[list[Word]] = []
    current: list[Word] = []
    for w in words:
        if current:
            too_long = w.end - current[0].start > opts.max_duration
            pause = w.start - current[-1].end > _PAUSE_SPLIT_S
            sentence_done = current[-1].text.strip().endswith(_SENTENCE_END) and (
                current[-1].end - current[0].start >= opts.min_duration
            )
            if too_long or pause or sentence_done or not _fits([*current, w], opts):
                groups.append(current)
                current = []
        current.append(w)
    if current:
        groups.append(current)
    return groups


def shape_cues(
    cues: Sequence[Cue], *, options: SubtitleOptions, shot_changes: Sequence[float] = (),
    duration: float | None = None,
) -> list[Cue]:
    """Re-cut cues (with their words) into subtitles that obey `options`.

    Cues keep their speaker and suspect flag: words of different speakers never share a cue.
    With ``duration`` (of the media) no cue lingers past the end.
    """
    shaped: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start):
        for group in group_words(words_of(cue.start, cue.end, cue.text, cue.words), options):
            text = "".join(w.text for w in group).strip()
            lines = break_lines(text, max_chars=options.max_chars_per_line, max_lines=options.max_lines)
            shaped.append(Cue(
                start=group[0].start, end=max(group[-1].end, group[0].start + 0.01),
                text="\n".join(lines or [text]), speaker=cue.speaker, suspect=cue.suspect,
                suspect_reason=cue.suspect_reason, words=tuple(group),
            ))
    return _retime(shaped, options, sorted(shot_changes), duration)


def _snap(t: float, cuts: Sequence[float], within: float) -> float:
    near = min(cuts, key=lambda c: abs(c - t), default=None)
    return near if near is not None and abs(near - t) <= within else t


def _retime(cues: list[Cue], opts: SubtitleOptions, cuts: Sequence[float], duration: float | None = None) -> list[Cue]:
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        start, end = _snap(cue.start, cuts, opts.shot_snap), _snap(cue.end, cuts, opts.shot_snap)
        if out and start < out[-1].end + opts.min_gap:
            start = min(out[-1].end + opts.min_gap, max(start, cue.end - 0.01))
        next_start = cues[i + 1].start if i + 1 < len(cues) else float("inf")
        next_start = _snap(next_start, cuts, opts.shot_snap) if i + 1 < len(cues) else next_start
        end = max(end, min(start + opts.min_duration, next_start - opts.min_gap))  # linger to be read
        end = min(end, start + opts.max_duration, next_start - opts.min_gap)
        if duration is not None:  # the last cue's linger, or a word timed past the end, stops at the end
            end, start = min(end, duration), min(start, max(0.0, duration - 0.01))
        if end <= start:  # no room: keep a sliver rather than drop words
            end = start + 0.01
        out.append(replace(cue, start=start, end=end))
    return out


def cue_warnings(cues: Sequence[Cue], options: SubtitleOptions) -> list[list[str]]:
    """For each cue (in the given order, which should be by start time), its readability problems."""
    out: list[list[str]] = []
    for i, cue in enumerate(cues):
        problems: list[str] = []
        duration = cue.end - cue.start
        chars = len(cue.text.replace("\n", ""))
        if duration > 0 and chars / duration > options.max_chars_per_second:
            problems.append(f"reading speed {chars / duration:.0f} CPS > {options.max_chars_per_second:g}")
        lines = cue.text.split("\n")
        for n, line in enumerate(lines, 1):
            if len(line) > options.max_chars_per_line:
                problems.append(f"line {n} has {len(line)} characters > {options.max_chars_per_line}")
        if len(lines) > options.max_lines:
            problems.append(f"{len(lines)} lines > {options.max_lines}")
        if duration < options.min_duration - 1e-9:
            problems.append(f"shorter than {options.min_duration:g} s")
        if duration > options.max_duration + 1e-9:
            problems.append(f"longer than {options.max_duration:g} s")
        if i + 1 < len(cues) and cues[i + 1].start < cue.end - 1e-9:
            problems.append("overlaps the next cue")
        if cue.suspect:
            problems.append("suspect: " + (cue.suspect_reason or "no one seems to speak here"))
        out.append(problems)
    return out
