"""Chapters and summaries as files: WebVTT chapters, FFmpeg metadata chapters (to mux into mp4 or
mkv), the "00:00 Title" list video sites read, and the summary as Markdown and HTML."""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

from vidmeta.domain import Chapter, MediaError
from vidmeta.domain.time import clock
from vidmeta.summary.digest import Digest


def _vtt_time(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def webvtt_chapters(chapters: list[Chapter]) -> str:
    blocks = ["WEBVTT"]
    for i, c in enumerate(chapters, start=1):
        blocks.append(f"{i}\n{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{c.title.replace('-->', '->')}")
    return "\n\n".join(blocks) + "\n"


def _ffmeta_escape(text: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n"):
        text = text.replace(ch, "\\" + ch)
    return text


def ffmetadata(chapters: list[Chapter]) -> str:
    """FFmpeg's metadata file format with one [CHAPTER] per chapter, in milliseconds."""
    lines = [";FFMETADATA1"]
    for c in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={int(round(c.start * 1000))}",
                  f"END={int(round(c.end * 1000))}", f"title={_ffmeta_escape(c.title)}"]
    return "\n".join(lines) + "\n"


def chapter_list(chapters: list[Chapter]) -> str:
    return "".join(f"{clock(c.start)} {c.title}\n" for c in chapters)


def summary_markdown(title: str, digest: Digest, chapters: list[Chapter], *, storyboard: str | None = None,
                     thumbnails: dict[str, str] | None = None) -> str:
    lines = [f"# {title}", ""]
    if storyboard:
        lines += [f"![Storyboard]({storyboard})", ""]
    if digest.sentences:
        lines += ["## Summary", ""] + [f"- [{clock(s.start)}] {s.text}" for s in digest.sentences] + [""]
    if chapters:
        lines += ["## Chapters", ""]
        for c in chapters:
            thumb = (thumbnails or {}).get(c.id)
            lines.append(f"- {clock(c.start)} {c.title}" + (f" ![]({thumb})" if thumb else ""))
        lines.append("")
    if digest.speakers:
        lines += ["## Who speaks", ""] + [f"- {s.speaker}: {clock(s.seconds)} ({s.share:.0%})" for s in digest.speakers]
        lines.append("")
    if digest.labels:
        lines += ["## Labels", ""] + [f"- {x.label}: {x.count} segment(s), {clock(x.seconds)}" for x in digest.labels]
        lines.append("")
    return "\n".join(lines)


def summary_html(title: str, digest: Digest, chapters: list[Chapter], *, storyboard: str | None = None,
                 thumbnails: dict[str, str] | None = None) -> str:
    e = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title></head><body>",
             f"<h1>{e(title)}</h1>"]
    if storyboard:
        parts.append(f"<img src='{e(storyboard)}' alt='Storyboard' style='max-width:100%'>")
    if digest.sentences:
        parts.append("<h2>Summary</h2><ul>" + "".join(
            f"<li><a href='#t={s.start:.1f}'>{clock(s.start)}</a> {e(s.text)}</li>" for s in digest.sentences) + "</ul>")
    if chapters:
        items = []
        for c in chapters:
            thumb = (thumbnails or {}).get(c.id)
            img = f"<br><img src='{e(thumb)}' alt='' width='240'>" if thumb else ""
            items.append(f"<li><a href='#t={c.start:.1f}'>{clock(c.start)}</a> {e(c.title)}{img}</li>")
        parts.append("<h2>Chapters</h2><ol>" + "".join(items) + "</ol>")
    if digest.speakers:
        parts.append("<h2>Who speaks</h2><ul>" + "".join(
            f"<li>{e(s.speaker)}: {clock(s.seconds)} ({s.share:.0%})</li>" for s in digest.speakers) + "</ul>")
    if digest.labels:
        parts.append("<h2>Labels</h2><ul>" + "".join(
            f"<li>{e(x.label)}: {x.count} segment(s), {clock(x.seconds)}</li>" for x in digest.labels) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def mux_chapters(video: str | Path, metadata_file: str | Path, out: str | Path) -> Path:
    """A copy of ``video`` (streams copied, not re-encoded) carrying the chapters of ``metadata_file``."""
    out = Path(out)
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(video), "-i", str(metadata_file),
                          "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", str(out)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise MediaError(Path(video), f"cannot write chapters into {out.name}: {run.stderr.strip()[-300:]}")
    return out
