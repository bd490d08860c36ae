"""Words, sentences and TF-IDF vectors of a transcript: what the chapter and summary code compare."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from vidmeta.domain import Cue

# Function words of English: they say nothing about a topic. (Transcripts in other languages still
# work; their function words are merely not discounted beyond what IDF does.)
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor
not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself yourselves yeah okay
oh um uh like well also get got go going know really right think thing things one two say said see
""".split())

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters first; numbers and punctuation dropped)."""
    return [w.strip("'’-") for w in _WORD.findall(text.lower()) if w.strip("'’-")]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 2]


@dataclass(frozen=True)
class Sentence:
    start: float  # seconds
    end: float
    text: str
    speaker: str | None = None


def sentences_from_cues(cues: list[Cue] | tuple[Cue, ...]) -> list[Sentence]:
    """Sentences of the transcript in time order, each with the time span of the cues it came from.

    A sentence may run over several cues (subtitle shaping splits long ones); its time is then the
    first cue's start to the last one's end. Suspect cues (recognised where no one speaks) are left out.
    """
    out: list[Sentence] = []
    parts: list[str] = []
    start = end = 0.0
    speaker = None
    for cue in sorted((c for c in cues if not c.suspect and c.text.strip()), key=lambda c: c.start):
        if not parts:
            start, speaker = cue.start, cue.speaker
        pieces = _SENTENCE_END.split(" ".join(cue.text.split()))
        for i, piece in enumerate(pieces):
            if not parts:
                start = cue.start if i == 0 else start
            parts.append(piece)
            end = cue.end
            if i < len(pieces) - 1 or piece.rstrip().endswith((".", "!", "?", "…")):
                out.append(Sentence(start, end, " ".join(parts).strip(), speaker))
                parts = []
                start, speaker = cue.start, cue.speaker
    if parts:
        out.append(Sentence(start, end, " ".join(parts).strip(), speaker))
    return [s for s in out if s.text]


def tfidf(documents: list[str]) -> tuple[np.ndarray, list[str]]:
    """Row-normalised TF-IDF matrix [n_documents, vocabulary] of the content words, and the vocabulary."""
    tokens = [content_words(d) for d in documents]
    vocabulary = sorted({w for t in tokens for w in t})
    index = {w: i for i, w in enumerate(vocabulary)}
    matrix = np.zeros((len(documents), len(vocabulary)))
    df = Counter(w for t in tokens for w in set(t))
    n = len(documents)
    for row, t in enumerate(tokens):
        for w, count in Counter(t).items():
            matrix[row, index[w]] = (1 + math.log(count)) * math.log((1 + n) / (1 + df[w]) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0), vocabulary
