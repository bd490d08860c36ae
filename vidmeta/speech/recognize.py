"""Whisper over planned chunks: batched decoding with a temperature fallback ladder, word timings,
progress after every batch and cancel that interrupts even a running decode.

Unlike `whisper.transcribe`, which slides a window through the whole file and conditions on its
own earlier output, each chunk here is a stretch of detected speech decoded on its own; chunks are
independent, so they can be decoded in batches on a GPU.
"""

from __future__ import annotations

import math

import logging
from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from vidmeta.domain import AsrOptions, CancelToken, Cancelled, Progress, TimeRange, Word

log = logging.getLogger(__name__)
SAMPLE_RATE = 16000


@dataclass(frozen=True, slots=True)
class RecognizedSegment:
    start: float  # seconds in the whole audio
    end: float  # seconds in the whole audio
    text: str
    words: tuple[Word, ...]  # empty unless word timestamps were asked for
    avg_logprob: float  # mean log-probability of the chunk's tokens
    no_speech_prob: float  # whisper's probability that the chunk holds no speech
    compression_ratio: float  # gzip ratio of the chunk's text: high means a repetition loop
    temperature: float  # the temperature of the accepted decode
    language: str  # the language decoded (detected or chosen)
    chunk: int  # index of the chunk it came from


class _CancelHook:
    """A forward pre-hook on the decoder: a cancel takes effect at the next decoded token."""

    def __init__(self, cancel: CancelToken):
        self.cancel = cancel

    def __call__(self, module, args):
        if self.cancel.cancelled:
            raise Cancelled()


def _needs_retry(result, options: AsrOptions) -> bool:
    if result.no_speech_prob > options.no_speech_threshold and result.avg_logprob < options.logprob_threshold:
        return False  # silence: a hotter decode would only invent text
    return (
        result.compression_ratio > options.compression_ratio_threshold
        or result.avg_logprob < options.logprob_threshold
    )


def _decode_with_fallback(model, mel, options: AsrOptions, language: str | None, cancel: CancelToken) -> list:
    import whisper

    fp16 = options.fp16 and mel.device.type == "cuda"
    results: list = [None] * mel.shape[0]
    pending = list(range(mel.shape[0]))
    for temperature in options.temperatures:
        cancel.raise_if_cancelled()
        kwargs = dict(task=options.task, language=language, temperature=temperature, fp16=fp16,
                      sample_len=options.sample_len)
        if temperature > 0:
            kwargs["best_of"] = 5
        elif options.beam_size:
            kwargs["beam_size"] = options.beam_size
        decoded = whisper.decode(model, mel[pending], whisper.DecodingOptions(**kwargs))
        still = []
        for index, result in zip(pending, decoded):
            results[index] = result
            if _needs_retry(result, options):
                still.append(index)
        pending = still
        if not pending:
            break
    return results


def _split_segments(result, tokenizer, chunk_seconds: float) -> list[dict]:
    """Cut a decode into segments at its timestamp tokens (times relative to the chunk)."""
    import torch

    precision = 0.02  # seconds per timestamp token step
    tokens = torch.tensor(result.tokens)
    is_ts = tokens.ge(tokenizer.timestamp_begin)
    if len(tokens) == 0:
        return []
    boundaries = (torch.where(is_ts[:-1] & is_ts[1:])[0] + 1).tolist()
    if len(tokens) and is_ts[-1] and (len(tokens) < 2 or not is_ts[-2]):
        boundaries.append(len(tokens))  # a single closing timestamp ends the last segment
    pieces, last = [], 0
    for b in boundaries:
        pieces.append(tokens[last:b])
        last = b
    if last < len(tokens):
        pieces.append(tokens[last:])  # text after the last timestamp: runs to the chunk's end
    segments = []
    for piece in pieces:
        stamps = [t - tokenizer.timestamp_begin for t in piece.tolist() if t >= tokenizer.timestamp_begin]
        start = stamps[0] * precision if stamps and piece[0] >= tokenizer.timestamp_begin else None
        end = stamps[-1] * precision if stamps and piece[-1] >= tokenizer.timestamp_begin else None
        segments.append({"tokens": piece.tolist(), "start": start, "end": end})
    # Fill missing times from neighbours; keep every segment inside the chunk and non-empty.
    for i, seg in enumerate(segments):
        if seg["start"] is None:
            seg["start"] = segments[i - 1]["end"] if i else 0.0
        if seg["end"] is None:
            seg["end"] = chunk_seconds
        seg["start"] = min(max(0.0, seg["start"]), max(0.0, chunk_seconds - precision))
        seg["end"] = min(max(seg["start"] + precision, seg["end"]), max(chunk_seconds, precision))
        seg["seek"] = 0
        text_tokens = [t for t in seg["tokens"] if t < tokenizer.eot]
        seg["text"] = tokenizer.decode(text_tokens)
    return [s for s in segments if s["text"].strip()]


def recognize(
    model, audio: np.ndarray, chunks: Sequence[TimeRange], *, options: AsrOptions, cancel: CancelToken
) -> Generator[Progress, None, list[RecognizedSegment]]:
    """Recognise speech in each chunk of 16 kHz mono `audio`; segments come back in time order."""
    import torch
    import whisper
    from whisper.audio import N_FRAMES, N_SAMPLES
    from whisper.timing import add_word_timestamps

    device = next(model.parameters()).device
    dtype = torch.float16 if (options.fp16 and device.type == "cuda") else torch.float32
    hook = model.decoder.register_forward_pre_hook(_CancelHook(cancel))
    out: list[RecognizedSegment] = []
    try:
        total = len(chunks)
        yield Progress(0.0, "Recognising speech", f"0 of {total} chunks")
        for first in range(0, total, max(1, options.batch_size)):
            cancel.raise_if_cancelled()
            batch = list(range(first, min(total, first + options.batch_size)))
            pieces = [audio[int(chunks[i].start * SAMPLE_RATE):int(chunks[i].end * SAMPLE_RATE)] for i in batch]
            mels = [
                whisper.log_mel_spectrogram(whisper.pad_or_trim(torch.from_numpy(p), N_SAMPLES), model.dims.n_mels)
                for p in pieces
            ]
            mel = torch.stack(mels).to(device=device, dtype=dtype)
            results = _decode_with_fallback(model, mel, options, options.language, cancel)
            for j, (i, result) in enumerate(zip(batch, results)):
                skip = (result.no_speech_prob > options.no_speech_threshold
                        and result.avg_logprob < options.logprob_threshold)
                if skip:
                    continue
                tokenizer = whisper.tokenizer.get_tokenizer(
                    model.is_multilingual, num_languages=model.num_languages, language=result.language,
                    task=options.task,
                )
                seconds = len(pieces[j]) / SAMPLE_RATE
                segments = _split_segments(result, tokenizer, seconds)
                if options.word_timestamps and segments:
                    num_frames = min(N_FRAMES, int(np.ceil(len(pieces[j]) / whisper.audio.HOP_LENGTH)))
                    add_word_timestamps(segments=segments, model=model, tokenizer=tokenizer, mel=mel[j],
                                        num_frames=num_frames, last_speech_timestamp=0.0)
                offset = chunks[i].start
                for seg in segments:
                    # word alignment may move a segment's edges; keep them inside the chunk
                    seg["start"] = min(max(0.0, float(seg["start"])), max(0.0, seconds - 0.02))
                    seg["end"] = min(max(float(seg["end"]), seg["start"] + 0.02), max(seconds, 0.02))
                    words = tuple(_word(w, offset, seconds) for w in seg.get("words", []))
                    out.append(RecognizedSegment(
                        start=offset + seg["start"], end=offset + seg["end"],
                        text=seg["text"].strip(), words=words, avg_logprob=float(result.avg_logprob),
                        no_speech_prob=float(result.no_speech_prob),
                        compression_ratio=float(result.compression_ratio),
                        temperature=float(result.temperature), language=result.language, chunk=i,
                    ))
            done = batch[-1] + 1
            yield Progress(done / total, "Recognising speech", f"{done} of {total} chunks")
    finally:
        hook.remove()
    return sorted(out, key=lambda s: (s.start, s.end))


def _word(w: dict, offset: float, seconds: float) -> Word:
    """A word of the chunk starting at ``offset``, its times inside the chunk (alignment of a
    doubtful decode can put them a frame outside) and a probability that is a number (it is NaN
    when the alignment found no frame for the word)."""
    start = min(max(0.0, float(w["start"])), seconds)
    end = min(max(float(w["end"]), start), seconds)
    probability = float(w["probability"])
    return Word(offset + start, offset + end, w["word"], probability if math.isfinite(probability) else 0.0)


def collapse_repeats(segments: Sequence[RecognizedSegment]) -> list[RecognizedSegment]:
    """Merge consecutive segments with the same text: whisper's loops over silence and music."""
    out: list[RecognizedSegment] = []
    for seg in segments:
        key = " ".join(seg.text.lower().split()).strip(" .,!?")
        if out and key and key == " ".join(out[-1].text.lower().split()).strip(" .,!?"):
            out[-1] = replace(out[-1], end=max(out[-1].end, seg.end))
            continue
        out.append(seg)
    return out
