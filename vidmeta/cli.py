"""vidmeta-cli: the command-line front end over the core.

Every expected failure is one line on stderr naming the file and the reason, exit code 2;
--verbose adds the traceback and debug logging.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

from vidmeta.domain import MediaInfo, ProjectError, VidmetaError

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USER_ERROR = 2
log = logging.getLogger("vidmeta.cli")


def _media_dict(info: MediaInfo) -> dict[str, Any]:
    v, a = info.video, info.audio
    return {
        "path": str(info.path),
        "container": info.container,
        "duration": info.duration,
        "size_bytes": info.size_bytes,
        "video": None
        if v is None
        else {
            "codec": v.codec,
            "width": v.width,
            "height": v.height,
            "frame_rate": f"{v.frame_rate.numerator}/{v.frame_rate.denominator}",
            "fps": float(v.frame_rate),
            "frame_count": v.frame_count,
            "rotation": v.rotation,
            "variable_frame_rate": v.variable_frame_rate,
            "duration": v.duration,
            "start_time": v.start_time,
        },
        "audio": None
        if a is None
        else {"codec": a.codec, "sample_rate": a.sample_rate, "channels": a.channels, "duration": a.duration},
        "video_streams": info.video_stream_count,
        "audio_streams": info.audio_stream_count,
    }


def _media_text(info: MediaInfo) -> str:
    lines = [
        f"file:       {info.path}",
        f"container:  {info.container}",
        f"duration:   {info.duration:.3f} s",
        f"size:       {info.size_bytes:,} bytes",
    ]
    if (v := info.video) is not None:
        frames = "unknown" if v.frame_count is None else str(v.frame_count)
        lines.append(
            f"video:      {v.codec} {v.width}x{v.height}, {float(v.frame_rate):.3f} fps "
            f"({v.frame_rate.numerator}/{v.frame_rate.denominator}){' VFR' if v.variable_frame_rate else ''}, "
            f"{frames} frames{f', rotated {v.rotation} deg' if v.rotation else ''}"
        )
    else:
        lines.append("video:      none")
    if (a := info.audio) is not None:
        lines.append(f"audio:      {a.codec} {a.sample_rate} Hz, {a.channels} channel(s)")
    else:
        lines.append("audio:      none")
    return "\n".join(lines)


def _video_of_project(project_path: Path):
    from vidmeta.store import load_project

    doc = load_project(project_path)
    if doc.video is None:
        raise ProjectError(project_path, "the project names no video")
    if not doc.video.path.exists():
        raise ProjectError(
            project_path,
            f"its video {doc.video.path} is missing (moved? run: vidmeta-cli relink '{project_path}' NEW_PATH)",
        )
    return doc


def cmd_info(args: argparse.Namespace) -> int:
    from vidmeta.media import probe
    from vidmeta.store.project_file import PROJECT_SUFFIX

    path = Path(args.video)
    doc = None
    if path.name.endswith(PROJECT_SUFFIX):
        doc = _video_of_project(path)
        path = doc.video.path
    info = probe(path)
    if args.json:
        out = _media_dict(info)
        if doc is not None:
            out["project"] = {
                "tiers": len(doc.tiers),
                "segments": sum(len(t.segments) for t in doc.tiers),
                "cues": len(doc.cues),
                "chapters": len(doc.chapters),
            }
        print(json.dumps(out, indent=2))
    else:
        print(_media_text(info))
    return EXIT_OK


def cmd_relink(args: argparse.Namespace) -> int:
    """Find a project's moved video by content fingerprint and save the new path into the project."""
    import dataclasses

    from vidmeta.store import find_moved_video, load_project, save_project

    project_path = Path(args.project)
    doc = load_project(project_path)
    if doc.video is None:
        raise ProjectError(project_path, "the project names no video")
    found = find_moved_video(doc.video, args.search)
    if found is None:
        raise ProjectError(Path(args.search), f"no file here has the content of {doc.video.path.name}")
    save_project(dataclasses.replace(doc, video=dataclasses.replace(doc.video, path=found)), project_path)
    print(f"{project_path}: video found at {found}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vidmeta-cli", description="Understand video from the command line.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging and tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("info", help="what is in a video (or a .vidmeta.json project's video)")
    p.add_argument("video", help="a video or audio file, or a project file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("relink", help="find a project's moved video by its content")
    p.add_argument("project", help="the .vidmeta.json project file")
    p.add_argument("search", help="the moved video, or a folder to search")
    p.set_defaults(func=cmd_relink)
    from vidmeta.cli_features import add_parsers as add_feature_parsers
    add_feature_parsers(sub)
    from vidmeta.cli_speech import add_parsers as add_speech_parsers

    add_speech_parsers(sub)
    from vidmeta.cli_labels import add_parsers as add_label_parsers

    add_label_parsers(sub)
    from vidmeta.cli_summary import add_parsers as add_summary_parsers

    add_summary_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from vidmeta.config import setup_logging

    setup_logging(verbose=args.verbose)
    try:
        return args.func(args)
    except VidmetaError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"vidmeta-cli: error: {exc.user_message()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("vidmeta-cli: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        log.exception("unexpected error")
        if args.verbose:
            traceback.print_exc()
        print(f"vidmeta-cli: internal error: {type(exc).__name__}: {exc} (see the log; --verbose for details)",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
