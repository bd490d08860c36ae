"""Edits of a document's subtitle cues as pure functions: each returns a new document (no Qt here).

Like vidmeta.gui.edits, every function is one undo step; cues stay sorted by start time and never
get shorter than MIN_CUE. An edit that cannot be made raises EditError with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from vidmeta.domain import Cue, ProjectDocument
from vidmeta.domain.document import new_id
from vidmeta.gui.edits import EditError

MIN_CUE = 0.05  # seconds: a shorter cue flashes by unread


def replace_cues(doc: ProjectDocument, cues: Iterable[Cue]) -> ProjectDocument:
    return replace(doc, cues=tuple(sorted(cues, key=lambda c: (c.start, c.end))))


def _cue(doc: ProjectDocument, cue_id: str) -> Cue:
    for cue in doc.cues:
        if cue.id == cue_id:
            return cue
    raise EditError("the cue is gone")


def _map(doc: ProjectDocument, ids: Iterable[str], change) -> ProjectDocument:
    chosen = set(ids)
    if not chosen & {c.id for c in doc.cues}:
        raise EditError("select a cue first")
    return replace_cues(doc, (change(c) if c.id in chosen else c for c in doc.cues))


def set_cue_text(doc: ProjectDocument, cue_id: str, text: str) -> ProjectDocument:
    cue = _cue(doc, cue_id)
    if text == cue.text:
        return doc
    # The word timings no longer describe edited text.
    return _map(doc, [cue_id], lambda c: replace(c, text=text, words=()))


def set_cue_times(doc: ProjectDocument, cue_id: str, start: float, end: float) -> ProjectDocument:
    if start < 0:
        raise EditError("a cue cannot start before the video")
    if end - start < MIN_CUE:
        raise EditError(f"a cue must last at least {MIN_CUE * 1000:.0f} ms and end after it starts")
    _cue(doc, cue_id)
    return _map(doc, [cue_id], lambda c: replace(c, start=start, end=end))


def shift_cues(doc: ProjectDocument, offset: float, ids: Iterable[str] | None = None) -> ProjectDocument:
    """Move cues (all of them when ids is None) by offset seconds; no cue moves before 0."""
    chosen = [c for c in doc.cues if ids is None or c.id in set(ids)]
    if not chosen:
        raise EditError("no cues to shift")
    offset = max(offset, -min(c.start for c in chosen))

    def moved(c: Cue) -> Cue:
        words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in c.words)
        return replace(c, start=c.start + offset, end=c.end + offset, words=words)

    return _map(doc, [c.id for c in chosen], moved)


def _split_text(cue: Cue, t: float) -> tuple[str, str]:
    """The text before and after t: by word timings when known, else by the share of time elapsed."""
    if cue.words:
        before = [w.text for w in cue.words if (w.start + w.end) / 2 < t]
        after = [w.text for w in cue.words if (w.start + w.end) / 2 >= t]
        return " ".join(s.strip() for s in before), " ".join(s.strip() for s in after)
    words = cue.text.split()
    k = round(len(words) * (t - cue.start) / max(cue.end - cue.start, 1e-9))
    return " ".join(words[:k]), " ".join(words[k:])


def split_cue(doc: ProjectDocument, cue_id: str, t: float) -> ProjectDocument:
    """Cut a cue in two at t; the left part keeps the id."""
    cue = _cue(doc, cue_id)
    if not cue.start + MIN_CUE <= t <= cue.end - MIN_CUE:
        raise EditError("the playhead is not inside the cue")
    left_text, right_text = _split_text(cue, t)
    left = replace(cue, end=t, text=left_text, words=tuple(w for w in cue.words if (w.start + w.end) / 2 < t))
    right = replace(cue, start=t, text=right_text, id=new_id(),
                    words=tuple(w for w in cue.words if (w.start + w.end) / 2 >= t))
    return replace_cues(doc, (*(c for c in doc.cues if c.id != cue_id), left, right))


def merge_with_next(doc: ProjectDocument, cue_id: str) -> ProjectDocument:
    """Join a cue with the one after it; the first keeps its id and speaker."""
    cues = list(doc.cues)
    i = next((n for n, c in enumerate(cues) if c.id == cue_id), None)
    if i is None:
        raise EditError("the cue is gone")
    if i + 1 >= len(cues):
        raise EditError("the last cue has no next cue to merge with")
    first, second = cues[i], cues[i + 1]
    text = " ".join(part for part in (first.text.strip(), second.text.strip()) if part)
    merged = replace(first, end=max(first.end, second.end), text=text, words=first.words + second.words,
                     suspect=first.suspect and second.suspect,
                     suspect_reason=first.suspect_reason if first.suspect and second.suspect else "")
    return replace_cues(doc, (*cues[:i], merged, *cues[i + 2:]))


def delete_cues(doc: ProjectDocument, ids: Iterable[str]) -> ProjectDocument:
    gone = set(ids)
    if not gone & {c.id for c in doc.cues}:
        raise EditError("select a cue first")
    return replace_cues(doc, (c for c in doc.cues if c.id not in gone))


def keep_cues(doc: ProjectDocument, ids: Iterable[str]) -> ProjectDocument:
    """The user vouches for suspect cues: they are subtitles like any other from now on."""
    return _map(doc, ids, lambda c: replace(c, suspect=False, suspect_reason=""))


def speakers(cues: Sequence[Cue]) -> list[str]:
    return sorted({c.speaker for c in cues if c.speaker})


def rename_speaker(doc: ProjectDocument, old: str, new: str) -> ProjectDocument:
    """One name for a speaker across the whole video: every cue of `old` gets `new`."""
    new = new.strip()
    if not new:
        raise EditError("a speaker needs a name")
    if not any(c.speaker == old for c in doc.cues):
        raise EditError(f"no cue has the speaker {old!r}")
    return replace_cues(doc, (replace(c, speaker=new) if c.speaker == old else c for c in doc.cues))


def find_replace(doc: ProjectDocument, find: str, replacement: str, *, match_case: bool = False,
                 ids: Iterable[str] | None = None) -> tuple[ProjectDocument, int]:
    """Replace `find` in the text of the cues (all, or those in ids); returns the number replaced."""
    if not find:
        raise EditError("nothing to find")
    pattern = re.compile(re.escape(find), 0 if match_case else re.IGNORECASE)
    chosen = None if ids is None else set(ids)
    count = 0

    def changed(c: Cue) -> Cue:
        nonlocal count
        if chosen is not None and c.id not in chosen:
            return c
        text, n = pattern.subn(lambda _m: replacement, c.text)
        count += n
        return replace(c, text=text, words=()) if n else c

    cues = [changed(c) for c in doc.cues]
    return replace_cues(doc, cues), count
