"""Chapters from everything the video offers: shot changes, speaker turns, topic shifts in the
transcript and changes of the dominant label. Works with any subset (no speech, no labels).

Every source proposes boundary candidates with a strength in [0, 1]. Candidates within
``merge_tolerance`` of each other are one boundary whose score is the sum of the strengths of the
sources agreeing on it (a cut where the speaker also changes and the topic shifts beats a cut
alone). Boundaries are then taken greedily by score, keeping every chapter at least
``min_length`` long, until the score falls below ``min_score`` or ``max_chapters`` is reached.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from vidmeta.domain import Chapter, Cue, Segment
from vidmeta.summary.text import Sentence, content_words, sentences_from_cues, tfidf


@dataclass(frozen=True)
class ChapterOptions:
    min_length: float = 30.0  # seconds; shorter videos get at least duration / 12
    max_chapters: int = 20
    min_score: float = 0.5  # a boundary needs this much agreement (a shot change alone gives 0.5)
    merge_tolerance: float = 1.0  # seconds: candidates this close are one boundary
    shot_weight: float = 0.5
    speaker_weight: float = 0.5
    topic_weight: float = 1.0
    label_weight: float = 0.75
    topic_block: int = 3  # sentences on each side when comparing neighbouring passages

    def min_length_for(self, duration: float) -> float:
        return min(self.min_length, max(duration / 12, 1.0))


@dataclass(frozen=True)
class Candidate:
    time: float
    strength: float  # 0..1
    source: str  # "shot", "speaker", "topic", "label"


def speaker_turns(cues: list[Cue]) -> list[Candidate]:
    """Between consecutive cues of different known speakers, at the middle of the gap."""
    ordered = sorted((c for c in cues if not c.suspect and c.speaker), key=lambda c: c.start)
    return [Candidate((a.end + b.start) / 2, 1.0, "speaker")
            for a, b in zip(ordered, ordered[1:]) if a.speaker != b.speaker]


def topic_shifts(sentences: list[Sentence], block: int) -> list[Candidate]:
    """TextTiling: where the passage before and the passage after a sentence gap are least alike.

    Similarity is the cosine of the TF-IDF vectors of ``block`` sentences on each side; a gap's
    strength is its depth (how far similarity dips below the peaks on both sides), kept where it is
    a local minimum deeper than the mean depth.
    """
    if len(sentences) < 2 * block or block < 1:
        return []
    matrix, _ = tfidf([s.text for s in sentences])
    gaps = range(block, len(sentences) - block + 1)
    similarity = []
    for g in gaps:
        before, after = matrix[g - block : g].sum(0), matrix[g : g + block].sum(0)
        norm = np.linalg.norm(before) * np.linalg.norm(after)
        similarity.append(float(before @ after / norm) if norm > 0 else 0.0)
    sim = np.array(similarity)
    depth = np.zeros(len(sim))
    for i in range(len(sim)):
        # the nearest peaks on either side: climb while the similarity rises
        j = i
        while j > 0 and sim[j - 1] >= sim[j]:
            j -= 1
        left = sim[j]
        k = i
        while k < len(sim) - 1 and sim[k + 1] >= sim[k]:
            k += 1
        right = sim[k]
        depth[i] = (left - sim[i]) + (right - sim[i])
    out = []
    cutoff = depth.mean() if len(depth) else 0.0
    for i, g in enumerate(gaps):
        is_min = (i == 0 or sim[i] <= sim[i - 1]) and (i == len(sim) - 1 or sim[i] <= sim[i + 1])
        if is_min and depth[i] > cutoff and depth[i] > 0:
            t = (sentences[g - 1].end + sentences[g].start) / 2
            out.append(Candidate(t, float(min(1.0, depth[i])), "topic"))
    return out


def label_changes(segments: list[Segment], duration: float, *, span: float = 10.0) -> list[Candidate]:
    """Segment edges where the label covering most of the ``span`` seconds before differs from the
    one covering most of the ``span`` seconds after (a change of what is going on, not a blip)."""
    labelled = [s for s in segments if s.label]

    def dominant(a: float, b: float) -> str:
        cover = Counter()
        for s in labelled:
            overlap = min(s.end, b) - max(s.start, a)
            if overlap > 0:
                cover[s.label] += overlap
        return cover.most_common(1)[0][0] if cover else ""

    out = []
    for t in sorted({e for s in labelled for e in (s.start, s.end) if 0 < e < duration}):
        before, after = dominant(t - span, t), dominant(t, t + span)
        if before and after and before != after:
            out.append(Candidate(t, 1.0, "label"))
    return out


def _merged(candidates: list[Candidate], options: ChapterOptions) -> list[tuple[float, float, set[str]]]:
    """(time, score, sources) per boundary: nearby candidates joined, time weighted by strength."""
    weights = {"shot": options.shot_weight, "speaker": options.speaker_weight, "topic": options.topic_weight,
               "label": options.label_weight}
    groups: list[list[Candidate]] = []
    for c in sorted(candidates, key=lambda c: c.time):
        if groups and c.time - groups[-1][-1].time <= options.merge_tolerance:
            groups[-1].append(c)
        else:
            groups.append([c])
    out = []
    for group in groups:
        best: dict[str, Candidate] = {}
        for c in group:  # one vote per source, its strongest candidate
            if c.source not in best or c.strength > best[c.source].strength:
                best[c.source] = c
        # A shot change is exact in time: the boundary sits on it when there is one.
        time = best["shot"].time if "shot" in best else float(np.average(
            [c.time for c in best.values()], weights=[c.strength + 1e-9 for c in best.values()]))
        out.append((time, sum(weights[s] * c.strength for s, c in best.items()), set(best)))
    return out


def propose_chapters(
    duration: float,
    *,
    shots: list[float] = (),
    cues: list[Cue] | tuple[Cue, ...] = (),
    segments: list[Segment] | tuple[Segment, ...] = (),
    options: ChapterOptions = ChapterOptions(),
) -> list[Chapter]:
    """Chapters covering [0, duration], each with a title."""
    if duration <= 0:
        return []
    sentences = sentences_from_cues(list(cues))
    candidates = [Candidate(t, 1.0, "shot") for t in shots if 0 < t < duration]
    candidates += speaker_turns(list(cues)) + topic_shifts(sentences, options.topic_block)
    candidates += label_changes(list(segments), duration)
    min_length = options.min_length_for(duration)
    chosen: list[float] = []
    for time, score, _ in sorted(_merged(candidates, options), key=lambda b: -b[1]):
        if score < options.min_score or len(chosen) + 1 >= options.max_chapters:
            break
        if time < min_length or duration - time < min_length:
            continue
        if all(abs(time - c) >= min_length for c in chosen):
            chosen.append(time)
    bounds = [0.0, *sorted(chosen), duration]
    return [Chapter(a, b, chapter_title(a, b, sentences, segments, cues, index=i + 1))
            for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]


def key_phrase(texts: list[str], background: list[str]) -> str:
    """The most distinctive content word (or two-word phrase) of ``texts`` against ``background``."""
    mine = [content_words(t) for t in texts]
    counts = Counter(w for ws in mine for w in ws)
    pairs = Counter((a, b) for ws in mine for a, b in zip(ws, ws[1:]))
    if not counts:
        return ""
    elsewhere = Counter(w for t in background for w in set(content_words(t)))
    n = max(len(background), 1)

    def weight(word: str) -> float:
        return counts[word] * np.log((1 + n) / (1 + elsewhere[word]) + 1)

    best_word = max(counts, key=lambda w: (weight(w), w))
    phrase = [p for p, c in pairs.items() if c >= 2 and best_word in p]
    if phrase:
        a, b = max(phrase, key=lambda p: (pairs[p], p))
        return f"{a} {b}".capitalize()
    return best_word.capitalize()


def chapter_title(start: float, end: float, sentences: list[Sentence], segments, cues, *, index: int) -> str:
    """A key phrase of the chapter's transcript, else its dominant label, else its main speaker."""
    inside = [s.text for s in sentences if start <= (s.start + s.end) / 2 < end]
    outside = [s.text for s in sentences if not start <= (s.start + s.end) / 2 < end]
    phrase = key_phrase(inside, outside)
    if phrase:
        return phrase
    cover = Counter()
    for s in segments:
        if s.label:
            cover[s.label] += max(0.0, min(s.end, end) - max(s.start, start))
    if cover and cover.most_common(1)[0][1] > 0:
        return cover.most_common(1)[0][0]
    talk = Counter()
    for c in cues:
        if c.speaker and not c.suspect:
            talk[c.speaker] += max(0.0, min(c.end, end) - max(c.start, start))
    if talk and talk.most_common(1)[0][1] > 0:
        return talk.most_common(1)[0][0]
    return f"Chapter {index}"
