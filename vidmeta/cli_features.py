"""vidmeta-cli features / speakers: feature extraction with a progress bar, and the speaker timeline.

Registered by vidmeta.cli.build_parser through add_parsers; heavy imports happen inside the
commands, so `vidmeta-cli --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from vidmeta.domain import VidmetaError

EXIT_OK = 0


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("features", help="extract visual, audio and lip features (cached)")
    p.add_argument("video", help="a video or audio file")
    _option_arguments(p)
    p.add_argument("--no-cache", action="store_true", help="recompute everything; leave the cache alone")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=cmd_features)

    p = subparsers.add_parser("speakers", help="speech regions and the on-screen speaker over time")
    p.add_argument("video", help="a video file")
    _option_arguments(p)
    p.add_argument("--json", action="store_true",
                   help="face tracks with boxes (pixels) over time, speech regions, active track per window")
    p.set_defaults(func=cmd_speakers)


def _option_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--window", type=float, default=None, help="analysis window in seconds (default 1.0)")
    p.add_argument("--hop", type=float, default=None, help="seconds between windows (default 0.5)")


def _options(args: argparse.Namespace):
    from vidmeta.features import FeatureOptions

    changes = {k: v for k, v in (("window", args.window), ("hop", args.hop)) if v is not None}
    try:
        return FeatureOptions(**changes)
    except ValueError as exc:
        raise VidmetaError(None, f"bad feature options: {exc}") from None


def _extract(path: Path, args: argparse.Namespace, *, use_cache: bool = True):
    """Run the features job with a progress bar on stderr."""
    from vidmeta.cli_progress import run_with_progress
    from vidmeta.domain import CancelToken
    from vidmeta.pipeline.features_jobs import features_job

    return run_with_progress(
        features_job(path, cancel=CancelToken(), options=_options(args), use_cache=use_cache), desc=path.name
    )


def cmd_features(args: argparse.Namespace) -> int:
    path = Path(args.video)
    features = _extract(path, args, use_cache=not args.no_cache)
    summary = features_summary(features)
    if args.json:
        print(json.dumps(summary, indent=2))
        return EXIT_OK
    print(f"file:        {features.path}")
    print(f"duration:    {features.media.duration:.3f} s, {summary['windows']['count']} windows "
          f"of {features.options.window:g} s every {features.options.hop:g} s")
    dims = summary["windows"]["dims"]
    print("per window:  " + ", ".join(f"{name} {dims[name]} values" for name in dims))
    print(f"faces:       {len(features.faces)} track(s)"
          + "".join(f"\n  face {f['id']}: {f['start']:.2f}-{f['end']:.2f} s, {f['frames']} frames" for f in summary["face_tracks"]))
    print(f"speech:      {len(features.speakers.regions)} region(s), "
          f"{summary['speech_seconds']:.2f} s in all")
    print(f"from cache:  {', '.join(summary['cached_parts']) or 'nothing (computed now; cached for next time)'}")
    return EXIT_OK


def features_summary(features) -> dict[str, Any]:
    w = features.windows
    dims = {"visual": int(w.visual.shape[1]), "audio": int(w.audio.shape[1]),
            "lips": int(next(iter(w.lips.values())).shape[1]) if w.lips else 0,
            "speech": int(w.speech.shape[1]) if w.speech is not None else 0}
    return {
        "path": str(features.path),
        "fingerprint": features.fingerprint,
        "duration": features.media.duration,
        "windows": {"count": len(w), "window": features.options.window, "hop": features.options.hop, "dims": dims,
                    "present": {name: int(mask.sum()) for name, mask in w.present.items()}},
        "face_tracks": [{"id": f.id, "start": f.start, "end": f.end, "frames": len(f.times)} for f in features.faces],
        "speech_seconds": sum(r.end - r.start for r in features.speakers.regions),
        "cached_parts": sorted(features.cached_parts),
    }


def cmd_speakers(args: argparse.Namespace) -> int:
    path = Path(args.video)
    features = _extract(path, args)
    if not features.media.has_video:
        raise VidmetaError(path, "has no video stream: there are no faces to find speakers among")
    if args.json:
        print(json.dumps(speakers_dict(features)))
        return EXIT_OK
    timeline = features.speakers
    print(f"{features.path}: {len(features.faces)} face track(s), {len(timeline.regions)} speech region(s)")
    for r in timeline.regions:
        who = "no visible speaker" if r.speaker is None else f"face {r.speaker}"
        print(f"  {_clock(r.start)} - {_clock(r.end)}  speech ({r.probability:.2f})  {who}")
    return EXIT_OK


def speakers_dict(features) -> dict[str, Any]:
    """The speaker timeline as JSON-able data: boxes are x, y, w, h in pixels of the displayed video."""
    timeline = features.speakers
    return {
        "video": str(features.path),
        "duration": features.media.duration,
        "width": features.media.width,
        "height": features.media.height,
        "window": features.options.window,
        "hop": features.options.hop,
        "face_tracks": [
            {
                "id": f.id,
                "start": f.start,
                "end": f.end,
                "boxes": [{"t": round(float(t), 6), "x": round(float(b[0]), 1), "y": round(float(b[1]), 1),
                           "w": round(float(b[2]), 1), "h": round(float(b[3]), 1), "detected": bool(d)}
                          for t, b, d in zip(f.times, f.boxes, f.detected)],
            }
            for f in features.faces
        ],
        "speech_regions": [{"start": r.start, "end": r.end, "speaker": r.speaker, "probability": r.probability}
                           for r in timeline.regions],
        "windows": [{"start": w.start, "end": w.end, "active_track": w.active_track,
                     "speech_probability": w.speech_probability, "av_speech_probability": w.av_speech_probability}
                    for w in timeline.windows()],
    }


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60.0)
    return f"{int(minutes):02d}:{secs:06.3f}"
