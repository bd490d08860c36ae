"""The text summary: the transcript's central sentences (TextRank, with MMR against repetition) in
time order with their timestamps, and facts from the annotations (who speaks how much, how often
each label occurs)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from vidmeta.domain import Cue, Segment
from vidmeta.summary.text import Sentence, sentences_from_cues, tfidf


@dataclass(frozen=True)
class SummaryOptions:
    sentences: int = 5  # how many sentences the summary keeps
    diversity: float = 0.3  # MMR: 0 = only centrality, 1 = only novelty
    damping: float = 0.85  # TextRank's PageRank damping


@dataclass(frozen=True)
class SpeakerShare:
    speaker: str
    seconds: float
    share: float  # of all speech


@dataclass(frozen=True)
class LabelCount:
    label: str
    count: int
    seconds: float


@dataclass(frozen=True)
class Digest:
    sentences: tuple[Sentence, ...]  # chosen, in time order
    speakers: tuple[SpeakerShare, ...]  # most speaking first
    labels: tuple[LabelCount, ...]  # most frequent first


def textrank(matrix: np.ndarray, damping: float = 0.85, iterations: int = 100) -> np.ndarray:
    """PageRank over the cosine-similarity graph of the rows (sentences)."""
    n = len(matrix)
    if n == 0:
        return np.zeros(0)
    sim = matrix @ matrix.T
    np.fill_diagonal(sim, 0.0)
    out = sim.sum(1, keepdims=True)
    transition = np.where(out > 0, sim / np.where(out > 0, out, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - damping) / n + damping * transition.T @ rank
        if np.abs(new - rank).sum() < 1e-10:
            return new
        rank = new
    return rank


def pick_sentences(sentences: list[Sentence], options: SummaryOptions = SummaryOptions()) -> list[Sentence]:
    """The ``options.sentences`` most central and mutually different sentences, in time order."""
    if not sentences:
        return []
    matrix, _ = tfidf([s.text for s in sentences])
    rank = textrank(matrix, options.damping)
    rank = rank / rank.max() if rank.max() > 0 else rank
    chosen: list[int] = []
    while len(chosen) < min(options.sentences, len(sentences)):
        best, best_score = None, -np.inf
        for i in range(len(sentences)):
            if i in chosen:
                continue
            redundancy = max((float(matrix[i] @ matrix[j]) for j in chosen), default=0.0)
            score = (1 - options.diversity) * rank[i] - options.diversity * redundancy
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return [sentences[i] for i in sorted(chosen)]


def speaker_shares(cues: list[Cue]) -> list[SpeakerShare]:
    talk: dict[str, float] = defaultdict(float)
    for c in cues:
        if not c.suspect and c.text.strip():
            talk[c.speaker or "unknown"] += c.end - c.start
    total = sum(talk.values())
    return sorted((SpeakerShare(s, t, t / total if total else 0.0) for s, t in talk.items()),
                  key=lambda x: (-x.seconds, x.speaker))


def label_counts(segments: list[Segment]) -> list[LabelCount]:
    counts, seconds = Counter(), defaultdict(float)
    for s in segments:
        if s.label:
            counts[s.label] += 1
            seconds[s.label] += s.end - s.start
    return sorted((LabelCount(k, counts[k], seconds[k]) for k in counts), key=lambda x: (-x.count, x.label))


def summarize_text(cues: list[Cue] | tuple[Cue, ...], segments: list[Segment] | tuple[Segment, ...] = (),
                   options: SummaryOptions = SummaryOptions()) -> Digest:
    sentences = sentences_from_cues(list(cues))
    return Digest(tuple(pick_sentences(sentences, options)), tuple(speaker_shares(list(cues))),
                  tuple(label_counts(list(segments))))
