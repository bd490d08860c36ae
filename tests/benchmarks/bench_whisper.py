"""Our chunked, batched whisper against `whisper.transcribe` on the same audio and model, in one run.

Usage: python tests/benchmarks/bench_whisper.py [--model NAME_OR_PT] [--device auto|cpu|cuda]
           [--batch-size N] [--seconds S]

The audio is real speech from ../shared/data (talking and GRID clips joined with silences), made up
to --seconds. Without --model a tiny randomly initialised model is built (no weights can be
downloaded here): then the speed ratio is meaningful but word error rates are not, and decoding is
capped at --sample-len tokens per window for both sides alike. With a real model and a reference
transcript (--reference FILE), the word error rate of both is printed too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from vidmeta.domain import AsrOptions, CancelToken, TimeRange  # noqa: E402
from vidmeta.media import load_audio  # noqa: E402
from vidmeta.pipeline import run_job  # noqa: E402
from vidmeta.speech.chunks import plan_chunks  # noqa: E402
from vidmeta.speech.models import checkpoint_source, load_whisper, resolve_device  # noqa: E402
from vidmeta.speech.recognize import recognize  # noqa: E402

SR = 16000


def speech_audio(seconds: float) -> np.ndarray:
    data = REPO.parent / "shared" / "data"
    clips = sorted((data / "talking").glob("*.mp4")) + sorted((data / "grid").glob("*.mpg"))
    if not clips:
        raise SystemExit(f"no clips in {data}")
    parts, total = [], 0
    while total < seconds * SR:
        for clip in clips:
            a = load_audio(clip, sample_rate=SR)
            parts += [a, np.zeros(int(1.5 * SR), np.float32)]
            total += len(a) + int(1.5 * SR)
    return np.concatenate(parts)[: int(seconds * SR)]


def speech_regions(audio: np.ndarray) -> list[TimeRange]:
    import torch
    from silero_vad import get_speech_timestamps, load_silero_vad

    stamps = get_speech_timestamps(torch.from_numpy(audio), load_silero_vad(), sampling_rate=SR, return_seconds=True)
    return [TimeRange(s["start"], s["end"]) for s in stamps]


def tiny_random_model(device: str):
    import torch
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=384, n_audio_head=6, n_audio_layer=4,
                           n_vocab=51865, n_text_ctx=448, n_text_state=384, n_text_head=6, n_text_layer=4)
    path = Path(tempfile.mkdtemp()) / "tiny-shaped-random.pt"  # the shape of whisper "tiny"
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, path)
    return load_whisper(checkpoint_source(str(path), model_dir=path.parent), device=device), "random, tiny-shaped"


def wer(reference: str, hypothesis: str) -> float:
    r, h = reference.lower().split(), hypothesis.lower().split()
    d = np.arange(len(h) + 1)
    for i in range(1, len(r) + 1):
        prev, d[0] = d.copy(), i
        for j in range(1, len(h) + 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r[i - 1] != h[j - 1]))
    return d[len(h)] / max(1, len(r))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sample-len", type=int, default=None,
                        help="token cap per window (default: 32 for the random model, none for real ones)")
    parser.add_argument("--reference", type=Path, default=None, help="reference transcript for WER")
    args = parser.parse_args()
    import torch
    import whisper

    torch.set_num_threads(max(1, torch.get_num_threads()))
    device = resolve_device(args.device)
    if args.model:
        model = load_whisper(checkpoint_source(args.model, model_dir=Path(tempfile.gettempdir())), device=device)
        label = args.model
    else:
        model, label = tiny_random_model(device)
    sample_len = args.sample_len if args.sample_len is not None else (None if args.model else 32)
    audio = speech_audio(args.seconds)
    regions = speech_regions(audio)
    chunks = plan_chunks(regions, duration=len(audio) / SR)
    fp16 = device == "cuda"
    print(f"# whisper: ours vs whisper.transcribe, {time.strftime('%Y-%m-%d')}, device {device}, model {label}")
    print(f"audio {len(audio) / SR:.0f} s, {len(regions)} speech regions -> {len(chunks)} chunks, "
          f"token cap {sample_len}")

    def reference_run():
        return whisper.transcribe(model, audio, temperature=0.0, fp16=fp16, sample_len=sample_len,
                                  condition_on_previous_text=False, word_timestamps=True, verbose=None)

    def our_run():
        options = AsrOptions(temperatures=(0.0,), batch_size=args.batch_size, sample_len=sample_len, fp16=fp16,
                             word_timestamps=True)
        return run_job(recognize(model, audio, chunks, options=options, cancel=CancelToken()))

    our_run()  # warm-up: numba compiles the word-alignment DTW once per process
    t0 = time.perf_counter()
    ref = reference_run()
    t_ref = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = our_run()
    t_ours = time.perf_counter() - t0
    print("| side | seconds | x real time |")
    print("|---|---|---|")
    print(f"| whisper.transcribe | {t_ref:.1f} | {len(audio) / SR / t_ref:.1f}x |")
    print(f"| ours (batch {args.batch_size}) | {t_ours:.1f} | {len(audio) / SR / t_ours:.1f}x |")
    print(f"speed-up: {t_ref / t_ours:.2f}x")
    if args.reference:
        text = args.reference.read_text(encoding="utf-8")
        print(f"WER whisper.transcribe {wer(text, ref['text']):.3f}, "
              f"ours {wer(text, ' '.join(s.text for s in ours)):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
