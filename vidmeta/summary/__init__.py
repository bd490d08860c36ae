"""Chapters and summaries from picture, speech and labels together, with whatever is available.

``chapters`` proposes chapter boundaries from shot changes, speaker turns, topic shifts and label
changes; ``digest`` picks the transcript's central sentences and counts who speaks and which
labels occur; ``storyboard`` draws one representative frame per chapter; ``exports`` writes the
chapter and summary files.
"""

from vidmeta.summary.chapters import ChapterOptions, propose_chapters
from vidmeta.summary.digest import Digest, SummaryOptions, summarize_text
from vidmeta.summary.exports import chapter_list, ffmetadata, mux_chapters, summary_html, summary_markdown, webvtt_chapters
from vidmeta.summary.storyboard import representative_times, storyboard

__all__ = [
    "ChapterOptions",
    "Digest",
    "SummaryOptions",
    "chapter_list",
    "ffmetadata",
    "mux_chapters",
    "propose_chapters",
    "representative_times",
    "storyboard",
    "summarize_text",
    "summary_html",
    "summary_markdown",
    "webvtt_chapters",
]
