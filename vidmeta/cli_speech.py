"""vidmeta-cli transcribe: subtitles and transcripts from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from vidmeta.domain import VidmetaError

OUTPUT_SUFFIXES = (".srt", ".vtt", ".ass", ".txt", ".json")


def cmd_transcribe(args: argparse.Namespace) -> int:
    import dataclasses

    from vidmeta.cli_progress import run_with_progress
    from vidmeta.config import load_settings
    from vidmeta.domain import AsrOptions, CancelToken
    from vidmeta.io import export_subtitles, export_transcript_json, export_transcript_txt
    from vidmeta.pipeline.session import InferenceSession
    from vidmeta.pipeline.transcribe import transcribe_job

    video = Path(args.video)
    out = Path(args.out) if args.out else video.with_suffix(".srt")
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise VidmetaError(out, f"unknown output format; use one of {', '.join(OUTPUT_SUFFIXES)}")
    settings = load_settings()
    asr = AsrOptions(model=args.model or settings.whisper_model, device=args.device or settings.device,
                     language=args.language, task="translate" if args.translate else "transcribe",
                     batch_size=args.batch_size, sample_len=args.max_tokens,
                     **({"temperatures": (0.0,)} if args.no_fallback else {}))
    session = InferenceSession(device=asr.device, model_dir=settings.resolved_model_dir())
    transcript = run_with_progress(
        transcribe_job(video, session=session, asr=asr, subtitles=settings.subtitle_rules, cancel=CancelToken()),
        desc=video.name,
    )
    cues = transcript.cues
    if args.speaker_names:
        names = dict(pair.split("=", 1) for pair in args.speaker_names)
        cues = tuple(dataclasses.replace(c, speaker=names.get(c.speaker, c.speaker)) for c in cues)
    writer = {".txt": export_transcript_txt, ".json": export_transcript_json}.get(out.suffix.lower(),
                                                                                 export_subtitles)
    writer(cues, out, include_suspect=args.keep_suspect)
    suspect = sum(c.suspect for c in cues)
    print(f"{out}: {len(cues) - (0 if args.keep_suspect else suspect)} cues written"
          f" ({suspect} suspect {'kept' if args.keep_suspect else 'left out'}; "
          f"language {', '.join(transcript.languages) or 'none'}; {transcript.speech_seconds:.1f} s of speech)")
    return 0


def _speaker_pair(text: str) -> str:
    if "=" not in text:
        raise argparse.ArgumentTypeError("expected OLD=NEW, e.g. 'Speaker 1=Ada'")
    return text


def add_parsers(sub) -> None:
    p = sub.add_parser("transcribe", help="subtitles with whisper, gated by the lips")
    p.add_argument("video")
    p.add_argument("--out", "-o", help=f"output file: {', '.join(OUTPUT_SUFFIXES)} (default: VIDEO.srt)")
    p.add_argument("--model", help="whisper model name (tiny ... large-v3, turbo) or a local .pt file")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"))
    p.add_argument("--language", help="spoken language code (default: detect)")
    p.add_argument("--translate", action="store_true", help="translate into English")
    p.add_argument("--batch-size", type=int, default=8, help="speech chunks decoded together (GPU)")
    p.add_argument("--no-fallback", action="store_true",
                   help="greedy decoding only, no retries at higher temperature (faster, may loop more)")
    p.add_argument("--max-tokens", type=int, default=None, help="most tokens decoded per speech chunk")
    p.add_argument("--keep-suspect", action="store_true", help="also write cues the audio-visual gate doubts")
    p.add_argument("--speaker-name", dest="speaker_names", action="append", type=_speaker_pair, metavar="OLD=NEW",
                   help="rename a speaker in the output, e.g. 'Speaker 1=Ada' (repeatable)")
    p.set_defaults(func=cmd_transcribe)
