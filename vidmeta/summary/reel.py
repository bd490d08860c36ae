"""The highlight reel: the best moments up to a share of the duration, cut into one mp4.

Candidates are the transcript's sentences (scored by TextRank centrality) and, for every chapter,
a few seconds around its most representative moment (so a video without speech still gets a
reel, and every chapter can be seen). A 0/1 knapsack picks the set of highest total score that
fits the budget. The cut is a stream copy when every piece starts on a keyframe (no re-encoding,
no quality loss), and a re-encode otherwise (frame-exact).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import Chapter, MediaError
from vidmeta.summary.digest import textrank
from vidmeta.summary.text import Sentence, tfidf

MOMENT_S = 3.0  # seconds shown around a chapter's representative moment


@dataclass(frozen=True)
class ReelPiece:
    start: float
    end: float
    score: float
    why: str  # the sentence, or "chapter N"


def reel_candidates(sentences: list[Sentence], chapters: list[Chapter], moments: list[float],
                    duration: float) -> list[ReelPiece]:
    pieces = []
    if sentences:
        matrix, _ = tfidf([s.text for s in sentences])
        rank = textrank(matrix)
        rank = rank / rank.max() if rank.max() > 0 else rank
        pieces += [ReelPiece(s.start, s.end, float(r), s.text) for s, r in zip(sentences, rank) if s.end > s.start]
    for i, (chapter, t) in enumerate(zip(chapters, moments), start=1):
        start = max(chapter.start, min(t - MOMENT_S / 2, chapter.end - MOMENT_S))
        end = min(chapter.end, start + MOMENT_S, duration)
        if end - start > 0.5:
            pieces.append(ReelPiece(max(0.0, start), end, 0.5, f"chapter {i}"))
    return pieces


def choose_pieces(pieces: list[ReelPiece], budget: float, *, resolution: float = 0.1) -> list[ReelPiece]:
    """The non-overlapping set of pieces with the highest total score lasting at most ``budget`` s."""
    # Overlapping candidates would show the same moment twice: keep the better of each overlap.
    kept: list[ReelPiece] = []
    for p in sorted(pieces, key=lambda p: -p.score):
        if all(p.end <= q.start or p.start >= q.end for q in kept):
            kept.append(p)
    capacity = int(budget / resolution + 1e-9)
    weights = [max(1, int(round((p.end - p.start) / resolution))) for p in kept]
    best = np.zeros(capacity + 1)
    take = np.zeros((len(kept), capacity + 1), bool)
    for i, (piece, w) in enumerate(zip(kept, weights)):
        if w > capacity:
            continue
        with_it = best[: capacity + 1 - w] + piece.score
        better = with_it > best[w:]
        take[i, w:] = better
        best[w:] = np.where(better, with_it, best[w:])
    chosen, c = [], capacity
    for i in range(len(kept) - 1, -1, -1):
        if take[i, c]:
            chosen.append(kept[i])
            c -= weights[i]
    return sorted(chosen, key=lambda p: p.start)


def keyframe_times(path: str | Path) -> np.ndarray:
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey", "-show_entries",
                          "frame=pts_time", "-of", "json", str(path)], capture_output=True, text=True)
    if run.returncode != 0:
        return np.zeros(0)
    return np.array([float(f["pts_time"]) for f in json.loads(run.stdout).get("frames", []) if "pts_time" in f])


def cut_reel(path: str | Path, pieces: list[ReelPiece], out: str | Path, *, has_video: bool = True,
             has_audio: bool = True) -> tuple[Path, str]:
    """Write the pieces one after another into ``out``; returns (out, "stream copy" or "re-encoded")."""
    path, out = Path(path), Path(out)
    if not pieces:
        raise MediaError(path, "no moment fits in the reel's duration budget")
    keys = keyframe_times(path) if has_video else np.zeros(0)
    on_keyframes = has_video and len(keys) > 0 and all(np.min(np.abs(keys - p.start)) < 1e-3 for p in pieces)
    if on_keyframes:
        listing = out.with_suffix(".concat.txt")
        listing.write_text("".join(f"file '{path.resolve().as_posix()}'\ninpoint {p.start:.6f}\noutpoint {p.end:.6f}\n"
                                   for p in pieces))
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
               "-c", "copy", str(out)]
        how = "stream copy"
    else:
        streams, labels = [], []
        for i, p in enumerate(pieces):
            if has_video:
                streams.append(f"[0:v]trim=start={p.start:.6f}:end={p.end:.6f},setpts=PTS-STARTPTS[v{i}]")
            if has_audio:
                streams.append(f"[0:a]atrim=start={p.start:.6f}:end={p.end:.6f},asetpts=PTS-STARTPTS[a{i}]")
            labels.append((f"[v{i}]" if has_video else "") + (f"[a{i}]" if has_audio else ""))
        graph = ";".join(streams) + ";" + "".join(labels) + \
            f"concat=n={len(pieces)}:v={int(has_video)}:a={int(has_audio)}" + \
            ("[v]" if has_video else "") + ("[a]" if has_audio else "")
        maps = (["-map", "[v]"] if has_video else []) + (["-map", "[a]"] if has_audio else [])
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(path), "-filter_complex", graph, *maps,
               *(["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"] if has_video else []),
               *(["-c:a", "aac"] if has_audio else []), str(out)]
        how = "re-encoded"
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise MediaError(path, f"cannot cut the highlight reel: {run.stderr.strip()[-300:]}")
    if on_keyframes:
        out.with_suffix(".concat.txt").unlink(missing_ok=True)
    return out, how
