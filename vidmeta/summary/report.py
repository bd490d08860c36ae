"""A summarized video and the files written for it (what `vidmeta-cli summarize` produces)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import Chapter
from vidmeta.summary.digest import Digest
from vidmeta.summary.exports import chapter_list, ffmetadata, summary_html, summary_markdown, webvtt_chapters
from vidmeta.summary.reel import ReelPiece, cut_reel
from vidmeta.summary.storyboard import storyboard


@dataclass(frozen=True)
class VideoSummary:
    duration: float
    shots: tuple[float, ...]
    chapters: tuple[Chapter, ...]
    digest: Digest
    frame_times: tuple[float, ...]  # the representative moment of each chapter
    frames: tuple[np.ndarray, ...]  # RGB frames at those times (empty for audio-only files)
    reel: tuple[ReelPiece, ...] = ()  # the highlight reel's pieces, in time order
    has_video: bool = True
    has_audio: bool = True


def write_summary(summary: VideoSummary, out_dir: str | Path, *, title: str,
                  video: str | Path | None = None) -> dict[str, Path]:
    """Every export into ``out_dir`` (the highlight reel too when ``video`` is given); returns them by kind."""
    import cv2

    from vidmeta.media.thumbnails import _resize

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chapters = list(summary.chapters)
    files = {
        "chapters_vtt": out / "chapters.vtt", "ffmetadata": out / "chapters.ffmetadata",
        "chapter_list": out / "chapters.txt",
    }
    files["chapters_vtt"].write_text(webvtt_chapters(chapters), encoding="utf-8")
    files["ffmetadata"].write_text(ffmetadata(chapters), encoding="utf-8")
    files["chapter_list"].write_text(chapter_list(chapters), encoding="utf-8")
    board, thumbs = None, {}
    if summary.frames:
        files["storyboard"] = storyboard(list(summary.frames), chapters, out / "storyboard.png")
        board = "storyboard.png"
        (out / "frames").mkdir(exist_ok=True)
        for i, (chapter, frame) in enumerate(zip(chapters, summary.frames), start=1):
            name = f"frames/chapter-{i:02d}.jpg"
            cv2.imwrite(str(out / name), cv2.cvtColor(_resize(frame, 240), cv2.COLOR_RGB2BGR))
            thumbs[chapter.id] = name
    if video is not None and summary.reel:
        files["reel"], _ = cut_reel(video, list(summary.reel), out / "reel.mp4", has_video=summary.has_video,
                                    has_audio=summary.has_audio)
    files["markdown"] = out / "summary.md"
    files["markdown"].write_text(summary_markdown(title, summary.digest, chapters, storyboard=board,
                                                  thumbnails=thumbs), encoding="utf-8")
    files["html"] = out / "summary.html"
    files["html"].write_text(summary_html(title, summary.digest, chapters, storyboard=board, thumbnails=thumbs),
                             encoding="utf-8")
    return files
