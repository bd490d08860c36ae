"""vidmeta-cli summarize: chapters, a text summary, a storyboard and chapter files for a video.

    vidmeta-cli summarize VIDEO --out DIR [--project FILE] [--min-chapter SECONDS] [--sentences N]
                          [--subtitles FILE] [--reel-share 0.2] [--mux OUT.mkv]

The transcript comes from the video's project (its subtitle cues) or from --subtitles (SRT, VTT,
ASS); labels from the project's annotation tiers. Without either, chapters come from the picture.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

EXIT_OK = 0


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("summarize", help="chapters, summary, storyboard and chapter files of a video")
    p.add_argument("video", help="a video (or audio) file")
    p.add_argument("--out", required=True, help="folder for the files (created if needed)")
    p.add_argument("--project", help="project file with cues and labels (default: VIDEO.vidmeta.json if present)")
    p.add_argument("--subtitles", help="a subtitle file to use as the transcript")
    p.add_argument("--min-chapter", type=float, default=None, help="shortest chapter in seconds (default 30)")
    p.add_argument("--sentences", type=int, default=5, help="sentences in the text summary (default 5)")
    p.add_argument("--reel-share", type=float, default=0.2,
                   help="length of the highlight reel (reel.mp4) as a share of the video (default 0.2; 0: none)")
    p.add_argument("--mux", help="also write a copy of the video with the chapters in it (e.g. out.mkv)")
    p.set_defaults(func=cmd_summarize)


def cmd_summarize(args: argparse.Namespace) -> int:
    from vidmeta.cli_progress import run_with_progress
    from vidmeta.domain import CancelToken, ProjectDocument, VidmetaError
    from vidmeta.media.probe import check_readable
    from vidmeta.pipeline.summary_jobs import summarize_job
    from vidmeta.store import load_project
    from vidmeta.store.project_file import default_project_path
    from vidmeta.summary import ChapterOptions, SummaryOptions, mux_chapters
    from vidmeta.summary.report import write_summary

    path = check_readable(args.video)
    project = Path(args.project) if args.project else default_project_path(path)
    doc = load_project(project) if (args.project or project.is_file()) else ProjectDocument()
    if args.subtitles:
        from vidmeta.io.subtitles import import_subtitles

        doc = dataclasses.replace(doc, cues=tuple(import_subtitles(args.subtitles)))
    if args.min_chapter is not None and args.min_chapter <= 0:
        raise VidmetaError(None, "--min-chapter must be positive")
    if not 0 <= args.reel_share < 1:
        raise VidmetaError(None, "--reel-share must be at least 0 and below 1")
    chapter_options = ChapterOptions() if args.min_chapter is None else ChapterOptions(min_length=args.min_chapter)
    summary = run_with_progress(
        summarize_job(path, doc, cancel=CancelToken(), chapter_options=chapter_options,
                      summary_options=SummaryOptions(sentences=max(1, args.sentences)), reel_share=args.reel_share),
        desc=path.name)
    files = write_summary(summary, args.out, title=path.stem, video=path)
    if args.mux:
        files["muxed"] = mux_chapters(path, files["ffmetadata"], args.mux)
    print(f"{len(summary.chapters)} chapter(s), {len(summary.shots)} shot change(s), "
          f"{len(summary.digest.sentences)} summary sentence(s)")
    for chapter in summary.chapters:
        print(f"  {chapter.start:8.2f}  {chapter.title}")
    for kind, file in files.items():
        print(f"{kind}: {file}")
    return EXIT_OK
