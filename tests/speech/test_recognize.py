"""The real whisper decoding path on real speech, with a tiny random model: chunks, batching,
progress, cancel, word timings. (A random model writes nonsense; the plumbing is what is checked.)"""

from __future__ import annotations

import threading
import time

import pytest

from vidmeta.domain import AsrOptions, CancelToken, Cancelled, Progress, TimeRange
from vidmeta.media import load_audio
from vidmeta.pipeline import run_job
from vidmeta.speech.chunks import plan_chunks
from vidmeta.speech.recognize import RecognizedSegment, collapse_repeats, recognize

FAST = AsrOptions(temperatures=(0.0,), sample_len=24, batch_size=2)


@pytest.fixture(scope="module")
def grid_audio(shared_data):
    return load_audio(shared_data / "grid" / "bbaf2n.mpg", sample_rate=16000)


def test_chunks_progress_and_word_times(tiny_whisper, grid_audio):
    chunks = [TimeRange(0.3, 1.3), TimeRange(1.3, 2.5), TimeRange(2.5, 2.95)]
    seen: list[Progress] = []
    segments = run_job(recognize(tiny_whisper, grid_audio, chunks, options=FAST, cancel=CancelToken()),
                       on_progress=seen.append)
    assert [p.detail for p in seen] == ["0 of 3 chunks", "2 of 3 chunks", "3 of 3 chunks"]
    assert segments, "a random model still emits tokens"
    for seg in segments:
        chunk = chunks[seg.chunk]
        assert chunk.start <= seg.start < seg.end <= chunk.end + 0.02
        assert seg.words
        for w in seg.words:
            assert chunk.start <= w.start <= w.end <= chunk.end + 1e-6
            assert 0.0 <= w.probability <= 1.0
    assert [s.start for s in segments] == sorted(s.start for s in segments)


def test_batched_equals_one_by_one(tiny_whisper, grid_audio):
    chunks = [TimeRange(0.3, 1.3), TimeRange(1.3, 2.5)]
    one = run_job(recognize(tiny_whisper, grid_audio, chunks, options=AsrOptions(
        temperatures=(0.0,), sample_len=16, batch_size=1, word_timestamps=False), cancel=CancelToken()))
    two = run_job(recognize(tiny_whisper, grid_audio, chunks, options=AsrOptions(
        temperatures=(0.0,), sample_len=16, batch_size=2, word_timestamps=False), cancel=CancelToken()))
    assert [(s.text, s.chunk) for s in one] == [(s.text, s.chunk) for s in two]


def test_cancel_interrupts_a_running_decode(tiny_whisper, grid_audio):
    token = CancelToken()
    options = AsrOptions(temperatures=(0.0,), sample_len=200, batch_size=1, word_timestamps=False)
    job = recognize(tiny_whisper, grid_audio, [TimeRange(0.0, 2.9)] * 4, options=options, cancel=token)
    next(job)  # started
    timer = threading.Timer(0.5, token.cancel)
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        run_job(job)
    assert time.monotonic() - t0 < 0.5 + 1.0  # cancel takes effect within a second
    # The decoder hook is removed: the model still decodes normally afterwards.
    run_job(recognize(tiny_whisper, grid_audio, [TimeRange(0.5, 1.0)], options=FAST, cancel=CancelToken()))


def test_plan_chunks_merges_and_splits():
    regions = [TimeRange(1, 2), TimeRange(2.1, 3), TimeRange(40, 105)]
    chunks = plan_chunks(regions, duration=120, max_seconds=30, padding=0.2)
    assert chunks[0] == TimeRange(0.8, 3.2)
    assert all(c.duration <= 30 + 1e-9 for c in chunks)
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))
    covered = sum(c.duration for c in chunks[1:])
    assert covered == pytest.approx(65.4)


def _seg(start, end, text):
    return RecognizedSegment(start, end, text, (), -0.5, 0.1, 1.2, 0.0, "en", 0)


def test_collapse_repeated_lines():
    segs = [_seg(0, 1, "Thank you."), _seg(1, 2, "thank you"), _seg(2, 3, "Thank you!"), _seg(3, 4, "Bye.")]
    out = collapse_repeats(segs)
    assert [(s.start, s.end, s.text) for s in out] == [(0, 3, "Thank you."), (3, 4, "Bye.")]


def test_words_stay_inside_their_chunk_with_a_numeric_probability():
    from vidmeta.speech.recognize import _word

    w = _word({"start": -0.02, "end": 0.1, "word": " hi", "probability": float("nan")}, offset=0.3, seconds=1.0)
    assert (w.start, w.end, w.probability) == (0.3, pytest.approx(0.4), 0.0)
    late = _word({"start": 1.2, "end": 1.4, "word": " late", "probability": 0.5}, offset=0.3, seconds=1.0)
    assert late.start == late.end == 1.3
