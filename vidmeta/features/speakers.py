"""Who speaks when: speech regions from the VAD, and the on-screen speaker of every speech window.

A speaker holds the floor for seconds, not half-second windows, so the choice per window is a
Viterbi path over the speech windows: states "no visible speaker" and one per face track, each
window scoring a track by its synchrony evidence and "none" by `speaker_threshold`, and every
change of state costing `switch_penalty`. Evidence that is weak in one window is thereby decided
by its neighbours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from vidmeta.features.audio import VadTrack
from vidmeta.features.options import FeatureOptions
from vidmeta.features.sync import TrackSync
from vidmeta.features.windows import WindowGrid, pool_mean

NO_SPEAKER = -1  # in `active_track` arrays: speech (or silence) with no visible speaker
_HYSTERESIS = 0.15  # a region ends when the VAD falls this far below the threshold
_LIP_LOGIT_CLIP = 2.0  # lips move the AV speech log-odds by at most this much either way


@dataclass(frozen=True)
class SpeechRegion:
    start: float  # seconds
    end: float  # seconds
    speaker: int | None  # face track id seen saying it; None when no visible face does (off-screen)
    probability: float  # mean VAD speech probability inside the region


@dataclass(frozen=True)
class SpeakerWindow:
    """One analysis window of the speaker timeline (what a GUI row draws)."""

    start: float
    end: float
    speech_probability: float  # audio-only (silero-vad), mean over the window
    av_speech_probability: float  # audio VAD combined with the lips of the best-synchronised face
    active_track: int | None  # face track id speaking in this window, or None


@dataclass(frozen=True)
class SpeakerTimeline:
    grid: WindowGrid
    speech_probability: np.ndarray  # float32 [W] mean VAD probability per window
    av_speech_probability: np.ndarray  # float32 [W]
    active_track: np.ndarray  # int64 [W] track id, or NO_SPEAKER
    track_ids: tuple[int, ...]  # the column order of `evidence`
    evidence: np.ndarray  # float32 [W, K] synchrony z-scores, NaN where the track is absent
    regions: tuple[SpeechRegion, ...]

    def windows(self) -> Iterator[SpeakerWindow]:
        for i in range(len(self.grid)):
            yield self.window(i)

    def window(self, i: int) -> SpeakerWindow:
        track = int(self.active_track[i])
        return SpeakerWindow(
            start=float(self.grid.starts[i]),
            end=float(self.grid.ends[i]),
            speech_probability=float(self.speech_probability[i]),
            av_speech_probability=float(self.av_speech_probability[i]),
            active_track=None if track == NO_SPEAKER else track,
        )

    def speech_windows(self, *, threshold: float = 0.5) -> np.ndarray:
        """bool [W]: windows whose audio is speech."""
        return self.speech_probability >= threshold


def choose_speakers(evidence: np.ndarray, speech: np.ndarray, *, threshold: float, switch_penalty: float) -> np.ndarray:
    """Column index of the speaking track per window, -1 for none (always -1 outside speech)."""
    w, k = evidence.shape
    out = np.full(w, -1, dtype=np.int64)
    rows = np.nonzero(speech)[0]
    if len(rows) == 0 or k == 0:
        return out
    scores = np.concatenate([np.full((len(rows), 1), threshold), evidence[rows]], axis=1)  # state 0: none
    scores = np.where(np.isnan(scores), -np.inf, scores)
    cost = switch_penalty * (1.0 - np.eye(k + 1))
    total = scores[0].copy()
    back = np.zeros((len(rows), k + 1), dtype=np.int64)
    for i in range(1, len(rows)):
        step = total[:, None] - cost  # from state a (rows) to state b (columns)
        back[i] = step.argmax(axis=0)
        total = step.max(axis=0) + scores[i]
    state = int(total.argmax())
    path = np.empty(len(rows), dtype=np.int64)
    for i in range(len(rows) - 1, -1, -1):
        path[i] = state
        state = int(back[i, state])
    out[rows] = path - 1
    return out


def av_speech_probability(vad_mean: np.ndarray, best_evidence: np.ndarray, *, threshold: float) -> np.ndarray:
    """Audio VAD in log-odds, moved by how far the best face's synchrony is above the threshold.

    Lips in sync raise the odds (speech heard faintly but seen clearly); a visible face whose lips
    disagree lowers them a little; without a face the audio decides alone.
    """
    p = np.clip(vad_mean.astype(np.float64), 0.01, 0.99)
    logit = np.log(p / (1 - p))
    lips = np.where(np.isnan(best_evidence), 0.0, np.clip(best_evidence - threshold, -_LIP_LOGIT_CLIP, _LIP_LOGIT_CLIP))
    return (1.0 / (1.0 + np.exp(-(logit + lips)))).astype(np.float32)


def speech_regions(vad: VadTrack, *, options: FeatureOptions) -> list[tuple[float, float, float]]:
    """(start, end, mean probability) of speech, by hysteresis on the VAD, short gaps bridged."""
    p = vad.probability
    on, off = options.speech_threshold, options.speech_threshold - _HYSTERESIS
    spans, start = [], None
    for i, value in enumerate(p):
        if start is None and value >= on:
            start = i
        elif start is not None and value < off:
            spans.append([start, i])
            start = None
    if start is not None:
        spans.append([start, len(p)])
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and (s - merged[-1][1]) * vad.frame < options.min_silence:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s * vad.frame, e * vad.frame, float(p[s:e].mean()))
            for s, e in merged if (e - s) * vad.frame >= options.min_speech]


def speaker_timeline(
    *, grid: WindowGrid, vad: VadTrack | None, syncs: list[TrackSync], options: FeatureOptions
) -> SpeakerTimeline:
    w = len(grid)
    if vad is None:  # a silent video: nobody speaks
        zeros = np.zeros(w, dtype=np.float32)
        return SpeakerTimeline(grid, zeros, zeros, np.full(w, NO_SPEAKER), tuple(s.track_id for s in syncs),
                               np.full((w, len(syncs)), np.nan, np.float32), ())
    vad_mean, _ = pool_mean(vad.times + vad.frame / 2, vad.probability, grid)
    evidence = np.stack([s.evidence for s in syncs], axis=1) if syncs else np.zeros((w, 0), np.float32)
    speech = vad_mean >= options.speech_threshold
    column = choose_speakers(evidence, speech, threshold=options.speaker_threshold,
                             switch_penalty=options.switch_penalty)
    ids = np.array([s.track_id for s in syncs] + [NO_SPEAKER])
    active = ids[column]  # column -1 picks the NO_SPEAKER sentinel at the end
    if syncs:
        best = np.where(np.isnan(evidence), -np.inf, evidence).max(axis=1)
        best = np.where(np.isfinite(best), best, np.nan)
    else:
        best = np.full(w, np.nan)
    av = av_speech_probability(vad_mean, best, threshold=options.speaker_threshold)
    regions = tuple(
        SpeechRegion(start=s, end=e, speaker=_region_speaker(s, e, grid, active), probability=prob)
        for s, e, prob in speech_regions(vad, options=options)
    )
    return SpeakerTimeline(grid, vad_mean.astype(np.float32), av, active, tuple(int(i) for i in ids[:-1]),
                           evidence.astype(np.float32), regions)


def _region_speaker(start: float, end: float, grid: WindowGrid, active: np.ndarray) -> int | None:
    """The track active over most of the region's time (by window overlap), or None."""
    overlap = np.clip(np.minimum(grid.ends, end) - np.maximum(grid.starts, start), 0.0, None)
    votes: dict[int, float] = {}
    for i in np.nonzero(overlap > 0)[0]:
        votes[int(active[i])] = votes.get(int(active[i]), 0.0) + float(overlap[i])
    if not votes:
        return None
    winner = max(votes, key=votes.get)
    return None if winner == NO_SPEAKER else winner
