"""Find Similar and Search Transcripts: a panel of hits (thumbnail, video, time) that jump to the
moment on activation, opening the other video when the hit is in the library; and the library
meta-training actions (Labels > Meta-train on Folder, Use Previous Mapping)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from vidmeta.domain import Progress
from vidmeta.domain.time import clock
from vidmeta.gui import dialogs
from vidmeta.gui.worker import in_worker

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow

THUMB_WIDTH = 96



class SimilarPanel(QWidget):
    hitActivated = Signal(object)  # a vidmeta.labelling.similar.Hit

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel("Select a segment and press F (Find Similar), or Ctrl+Shift+H to search the "
                            "transcripts.", self)
        self.title.setWordWrap(True)
        self.hits = QListWidget(self)
        self.hits.setObjectName("similar_hits")
        self.hits.setIconSize(QSize(THUMB_WIDTH, THUMB_WIDTH * 9 // 16))
        self.hits.itemActivated.connect(lambda item: self.hitActivated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.hits.itemDoubleClicked.connect(lambda item: self.hitActivated.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.title)
        layout.addWidget(self.hits, 1)

    def show_hits(self, title: str, hits: list, thumbs: dict[int, np.ndarray], current: Path | None) -> None:
        self.title.setText(title)
        self.hits.clear()
        for i, hit in enumerate(hits):
            where = "here" if current is not None and Path(hit.video) == current else Path(hit.video).name
            text = f"{clock(hit.start)}  {where}" + (f"\n{hit.text}" if hit.text else f"  (distance {hit.distance:.2f})")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            frame = thumbs.get(i)
            if frame is not None:
                image = QImage(frame.data, frame.shape[1], frame.shape[0], frame.strides[0], QImage.Format.Format_RGB888)
                item.setIcon(QIcon(QPixmap.fromImage(image.copy())))
            self.hits.addItem(item)


def _with_thumbnails(job, hits_of):
    """Run ``job``, then grab a small frame of every hit (one reader per video)."""
    from vidmeta.media import open_frames
    from vidmeta.media.thumbnails import thumbnail

    result = yield from job
    thumbs: dict[int, np.ndarray] = {}
    hits = hits_of(result)
    by_video: dict[Path, list[int]] = {}
    for i, hit in enumerate(hits):
        by_video.setdefault(Path(hit.video), []).append(i)
    for video, indices in by_video.items():
        yield Progress(0.99, "Thumbnails", video.name)
        try:
            with open_frames(video) as reader:
                for i in indices:
                    thumbs[i] = thumbnail(reader, (hits[i].start + hits[i].end) / 2, width=THUMB_WIDTH)[1]
        except Exception:  # an audio-only file or a moved video: hits without pictures
            continue
    return result, thumbs


class SimilarController(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self._pending_seek: float | None = None
        a = window.actions
        a["find_similar"].triggered.connect(lambda: self.find_similar())
        a["search_transcripts"].triggered.connect(lambda: self.search())
        a["meta_train"].triggered.connect(lambda: self.meta_train())
        a["previous_mapping"].triggered.connect(lambda: self.previous_mapping())
        window.similar_panel.hitActivated.connect(self.go_to)
        window.player.durationChanged.connect(self._seek_pending)

    def _show(self, title: str, hits: list, thumbs: dict) -> None:
        self.w.similar_panel.show_hits(title, hits, thumbs, self.w.session.video_path)
        self.w.similar_dock.show()
        self.w.similar_dock.raise_()

    def find_similar(self):
        path = self.w.session.video_path
        selected = self.w.timeline.canvas.selected_segments()
        if path is None or not selected:
            self.w.show_status("Find similar: select a segment first")
            return None
        start, end = min(s.start for s in selected), max(s.end for s in selected)
        find = in_worker("vidmeta.pipeline.similar_jobs.find_similar_job", path, start, end)
        job = lambda cancel: _with_thumbnails(find(cancel), lambda r: list(r.here) + list(r.elsewhere))  # noqa: E731

        def show(outcome) -> None:
            result, thumbs = outcome
            hits = list(result.here) + list(result.elsewhere)
            self._show(f"Like {clock(start)}–{clock(end)}: {len(result.here)} here, {len(result.elsewhere)} in "
                       f"{result.searched} other video(s) of the library", hits, thumbs)

        return self.w.run_job(f"Find similar: {path.name}", job, on_success=show)

    def search(self, query: str | None = None):
        if query is None:
            query = dialogs.ask_name(self.w, "Search Transcripts", "Words to find in the subtitles of this video "
                                                                   "and of the library:")
            if not query:
                return None
        doc, video = self.w.session.document, self.w.session.video_path
        search = in_worker("vidmeta.pipeline.similar_jobs.search_transcripts_job", query, doc, video)
        job = lambda cancel: _with_thumbnails(search(cancel), lambda hits: hits)  # noqa: E731

        def show(outcome) -> None:
            hits, thumbs = outcome
            self._show(f"“{query}”: {len(hits)} line(s)", hits, thumbs)

        return self.w.run_job(f"Search transcripts: {query}", job, on_success=show, uses_torch=False)

    def go_to(self, hit) -> None:
        current = self.w.session.video_path
        if current is not None and Path(hit.video).resolve() == current.resolve():
            self.w.player.seek(hit.start)
            return
        self._pending_seek = hit.start
        if not self.w.open_path(Path(hit.video)):
            self._pending_seek = None

    def _seek_pending(self, duration: float) -> None:
        if self._pending_seek is not None and duration > 0:
            self.w.player.seek(min(self._pending_seek, duration))
            self._pending_seek = None

    def meta_train(self, folder: str | Path | None = None):
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.w, "Meta-train on the Videos of a Folder")
            if not folder:
                return None

        def done(path) -> None:
            self.w.show_status(f"Mapping {Path(path).name} trained; Suggest Labels uses it "
                               "(Labels > Use Previous Mapping goes back)")

        return self.w.run_job("Meta-train on library",
                              in_worker("vidmeta.pipeline.labelling_jobs.meta_train_library_job", [folder]),
                              on_success=done)

    def previous_mapping(self) -> None:
        from vidmeta.domain import VidmetaError
        from vidmeta.labelling.library_training import MappingStore

        try:
            current = MappingStore().go_back()
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Mappings")
            return
        self.w.show_status(f"Suggest Labels now uses {current.name if current else 'the raw window descriptors'}")
