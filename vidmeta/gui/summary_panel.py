"""The Summary panel: the text summary (timestamps clickable), the storyboard and the chapters;
and Summary > Summarize Video, which puts the chapters into the document as one undo step.

Chapters become both the document's chapter list and an editable "Chapters" tier (segments whose
text is the title), so they can be moved, resized and renamed like any segment; exports read the
tier.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QListWidget, QListWidgetItem, QTextBrowser, QVBoxLayout, QWidget

from vidmeta.domain import Chapter, ProjectDocument, Segment, SegmentSource, Tier, TierKind
from vidmeta.domain.time import clock
from vidmeta.gui.worker import in_worker

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow
    from vidmeta.summary.report import VideoSummary

CHAPTER_TIER = "Chapters"



class SummaryPanel(QWidget):
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.text = QTextBrowser(self)
        self.text.setObjectName("summary_text")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._on_link)
        self.storyboard = QLabel(self)
        self.storyboard.setObjectName("storyboard")
        self.storyboard.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chapters = QListWidget(self)
        self.chapters.setObjectName("summary_chapters")
        self.chapters.itemActivated.connect(lambda item: self.seekRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.chapters.itemClicked.connect(lambda item: self.seekRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.text, 2)
        layout.addWidget(self.storyboard, 1)
        layout.addWidget(QLabel("Chapters", self))
        layout.addWidget(self.chapters, 1)
        self._board: QImage | None = None
        self.show_summary(None)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "seek":
            self.seekRequested.emit(float(url.path() or url.host() or 0))

    def show_summary(self, summary: "VideoSummary | None") -> None:
        self.chapters.clear()
        self._board = None
        self.storyboard.clear()
        if summary is None:
            self.text.setHtml("<p><i>Summary &gt; Summarize Video (Ctrl+Shift+Y) proposes chapters and a "
                              "summary from the picture, the subtitles and your labels.</i></p>")
            return
        parts = []
        if summary.digest.sentences:
            parts.append("<ul>" + "".join(
                f"<li><a href='seek:{s.start:.3f}'>{clock(s.start)}</a> {html.escape(s.text)}</li>"
                for s in summary.digest.sentences) + "</ul>")
        else:
            parts.append("<p><i>No transcript: generate subtitles (Speech menu) for a text summary.</i></p>")
        if summary.digest.speakers:
            parts.append("<p>" + ", ".join(f"{html.escape(s.speaker)} {s.share:.0%}" for s in summary.digest.speakers)
                         + " of the speech</p>")
        if summary.digest.labels:
            parts.append("<p>" + ", ".join(f"{html.escape(x.label)} ×{x.count}" for x in summary.digest.labels) + "</p>")
        self.text.setHtml("".join(parts))
        for c in summary.chapters:
            item = QListWidgetItem(f"{clock(c.start)}  {c.title}")
            item.setData(Qt.ItemDataRole.UserRole, float(c.start))
            self.chapters.addItem(item)
        if summary.frames:
            self._board = _storyboard_image(summary)
            self._fit_board()

    def _fit_board(self) -> None:
        if self._board is not None:
            width = max(120, self.storyboard.width() - 8)
            self.storyboard.setPixmap(QPixmap.fromImage(self._board).scaledToWidth(
                width, Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_board()


def _storyboard_image(summary: "VideoSummary") -> QImage:
    """The storyboard drawn by vidmeta.summary (the same picture the PNG export holds)."""
    import tempfile

    from vidmeta.summary import storyboard

    with tempfile.TemporaryDirectory() as folder:
        path = storyboard(list(summary.frames), list(summary.chapters), Path(folder) / "board.png", columns=2)
        return QImage(str(path)).copy()


def chapters_tier(chapters: list[Chapter]) -> Tier:
    return Tier(CHAPTER_TIER, TierKind.CHAPTER, tuple(
        Segment(c.start, c.end, text=c.title, source=SegmentSource.MODEL) for c in chapters if c.end > c.start))


def with_chapters(doc: ProjectDocument, summary: "VideoSummary") -> ProjectDocument:
    """The document with the summary's chapters (list and tier) and its text summary."""
    text = "\n".join(f"[{clock(s.start)}] {s.text}" for s in summary.digest.sentences)
    doc = dataclasses.replace(doc, chapters=tuple(summary.chapters), summary=text)
    tier = chapters_tier(list(summary.chapters))
    old = next((t for t in doc.tiers if t.kind == TierKind.CHAPTER and t.name == CHAPTER_TIER), None)
    return doc.with_tier(dataclasses.replace(tier, id=old.id) if old else tier)


class SummaryController(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.latest: VideoSummary | None = None
        a = window.actions
        a["summarize"].triggered.connect(lambda: self.summarize())
        a["export_summary"].triggered.connect(lambda: self.export())
        window.summary_panel.seekRequested.connect(window.player.seek)
        window.session.videoChanged.connect(lambda _m: self._forget())

    def _forget(self) -> None:
        self.latest = None
        self.w.summary_panel.show_summary(None)

    def summarize(self, factory=None):
        path = self.w.session.video_path
        if path is None:
            self.w.show_status("Summarize: open a video first")
            return None
        doc = self.w.session.document
        duration = self.w.player.duration or 0.0
        # Chapters of at least an eighth of the video (5 to 30 s): short videos get chapters too.
        min_length = max(5.0, min(30.0, duration / 8)) if duration else 30.0
        factory = factory or in_worker("vidmeta.pipeline.summary_jobs.summarize_job", path, doc,
                                       min_chapter=min_length)

        def show(summary) -> None:
            if self.w.session.video_path != path:
                return
            self.latest = summary
            self.w.summary_panel.show_summary(summary)
            self.w.session.apply(with_chapters(self.w.session.document, summary), "Summarize")
            self.w.summary_dock.show()
            self.w.summary_dock.raise_()
            self.w.show_status(f"{len(summary.chapters)} chapter(s), {len(summary.digest.sentences)} summary "
                               "sentence(s)")

        return self.w.run_job(f"Summarize: {path.name}", factory, on_success=show)

    def export(self, folder: str | Path | None = None):
        """Write the chapter files, summary, storyboard and highlight reel into a folder (a job)."""
        latest, path = self.latest, self.w.session.video_path
        if latest is None or path is None:
            self.w.show_status("Export summary: summarize the video first (Ctrl+Shift+Y)")
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.w, "Export Summary To")
            if not folder:
                return None
        # The chapters as the user edited them in the Chapters tier.
        tier = next((t for t in self.w.session.document.tiers if t.kind == TierKind.CHAPTER), None)
        if tier is not None and tier.segments:
            chapters = tuple(Chapter(s.start, s.end, s.text or s.label or f"Chapter {i}")
                             for i, s in enumerate(sorted(tier.segments, key=lambda s: s.start), start=1))
            latest = dataclasses.replace(latest, chapters=chapters)

        def job(cancel):
            from vidmeta.domain import Progress
            from vidmeta.summary.report import write_summary  # in the worker: OpenCV, numpy

            yield Progress(0.1, "Writing the summary files")
            return write_summary(latest, folder, title=path.stem, video=path)

        def done(files) -> None:
            self.w.show_status(f"Summary written to {folder}: {', '.join(sorted(p.name for p in files.values()))}")

        return self.w.run_job("Export summary", job, on_success=done)
