"""Plan the stretches of audio whisper decodes: speech regions merged up to its 30 s window."""

from __future__ import annotations

from collections.abc import Sequence

from vidmeta.domain import TimeRange


def plan_chunks(
    regions: Sequence[TimeRange], *, duration: float, max_seconds: float = 30.0, padding: float = 0.2
) -> list[TimeRange]:
    """Padded speech regions, neighbours merged while the result fits in `max_seconds`.

    A region longer than `max_seconds` is cut into equal parts, so no chunk is ever truncated by
    whisper's window. Chunks never overlap and stay inside [0, duration].
    """
    padded = sorted(
        (TimeRange(max(0.0, r.start - padding), min(duration, r.end + padding)) for r in regions if r.end > r.start),
        key=lambda r: r.start,
    )
    pieces: list[TimeRange] = []
    for r in padded:
        parts = max(1, int(-(-r.duration // max_seconds)))
        step = r.duration / parts
        pieces.extend(TimeRange(r.start + i * step, r.start + (i + 1) * step) for i in range(parts))
    chunks: list[TimeRange] = []
    for piece in pieces:
        if chunks and piece.start <= chunks[-1].end:  # padding made neighbours touch
            piece = TimeRange(chunks[-1].end, max(piece.end, chunks[-1].end))
            if piece.duration <= 0:
                continue
        if chunks and piece.end - chunks[-1].start <= max_seconds:
            chunks[-1] = TimeRange(chunks[-1].start, piece.end)
        else:
            chunks.append(piece)
    return chunks
