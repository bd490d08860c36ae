"""Opening, saving, importing and exporting; recent files; crash recovery.

Every failure of a file the user picked ends in one error dialog with one line
(VidmetaError.user_message()) and leaves the open project as it was.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from vidmeta.config import save_settings
from vidmeta.domain import ProjectDocument, ProjectError, Tier, VidmetaError
from vidmeta.gui import dialogs
from vidmeta.gui.edits import merge_imported
from vidmeta.gui.frame_clock import FrameClock
from vidmeta.gui.recovery import Autosaver, RecoveryStore

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow

log = logging.getLogger(__name__)
PROJECT_SUFFIX = ".vidmeta.json"
OPEN_FILTER = ("Videos and projects (*.mp4 *.mkv *.mov *.avi *.webm *.mpg *.mpeg *.m4v *.ts *.wmv *.flv "
               "*.m4a *.wav *.mp3 *.flac *.ogg *.vidmeta.json);;All files (*)")


class DocumentController:
    def __init__(self, window: "MainWindow", *, autosave_interval_ms: int | None = None):
        self.w = window
        self.session = window.session
        store = RecoveryStore()
        kwargs = {} if autosave_interval_ms is None else {"interval_ms": autosave_interval_ms}
        self.autosaver = Autosaver(self.session, store, window, **kwargs)
        a = window.actions
        a["open"].triggered.connect(lambda: self.open_dialog())
        a["save"].triggered.connect(lambda: self.save())
        a["save_as"].triggered.connect(lambda: self.save_as())
        a["close"].triggered.connect(lambda: self.close_document())
        a["import_eaf"].triggered.connect(lambda: self.import_eaf())
        a["export_project"].triggered.connect(lambda: self.export("project"))
        a["export_csv"].triggered.connect(lambda: self.export("csv"))
        a["export_eaf"].triggered.connect(lambda: self.export("eaf"))
        a["save_frame"].triggered.connect(lambda: self.save_frame())
        self.session.videoChanged.connect(lambda _m: self._update_enabled())
        self._update_enabled()

    def _update_enabled(self) -> None:
        has = self.session.video_path is not None
        for key in ("save", "save_as", "close", "import_eaf", "export_project", "export_csv", "export_eaf",
                    "save_frame"):
            self.w.actions[key].setEnabled(has)

    # Opening --------------------------------------------------------------------------------

    def open_dialog(self) -> bool:
        start = str(self.session.video_path.parent) if self.session.video_path else ""
        path, _ = QFileDialog.getOpenFileName(self.w, "Open video or project", start, OPEN_FILTER)
        return self.open_path(Path(path)) if path else False

    def open_path(self, path: Path) -> bool:
        """Open a video or a project file; on failure, say why and keep what was open."""
        if not self.maybe_save():
            return False
        try:
            if path.name.endswith(PROJECT_SUFFIX):
                self._open_project(path)
            else:
                self._open_video(path)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Cannot open")
            return False
        except Exception as exc:  # a bug or an unforeseen OS error: report it, keep the app running
            log.exception("opening %s failed", path)
            dialogs.show_error(self.w, f"{path}: {dialogs.error_text(exc)}", title="Cannot open",
                               details=traceback.format_exc())
            return False
        self._remember(path)
        return True

    def _open_project(self, path: Path) -> None:
        from vidmeta.store import find_moved_video, load_project

        doc = load_project(path)
        if doc.video is None:
            raise ProjectError(path, "the project names no video")
        video = doc.video.path
        if not video.exists():
            found = find_moved_video(doc.video, path.parent)
            if found is None:
                raise ProjectError(path, f"its video {video} is missing (moved? put it back, or open the video "
                                         "and save the project beside it)")
            video = found
        self._open_video(video, doc=doc, project_path=path)

    def _open_video(self, path: Path, *, doc: ProjectDocument | None = None, project_path: Path | None = None,
                    dirty: bool = False) -> None:
        from vidmeta.media import probe
        from vidmeta.store import default_project_path, load_project, video_ref

        info = probe(path)  # MediaError for missing, unreadable, damaged or non-media files
        if doc is None:
            sidecar = default_project_path(info.path)
            if sidecar.exists():
                try:
                    doc, project_path = load_project(sidecar), sidecar
                except ProjectError as exc:
                    # Open the video anyway; Save will ask where, so the damaged file stays as it is.
                    dialogs.show_error(self.w, exc.user_message() + "\nThe video opens without it; the file is "
                                       "left untouched.", title="Project not loaded")
        if doc is None:
            doc = ProjectDocument(tiers=(Tier(name="Annotations"),))
        doc = replace(doc, video=video_ref(info.path))
        clock = None
        if info.video is not None and info.video.frame_rate > 0:
            clock = FrameClock.from_rate(start=info.video.start_time, rate=info.video.frame_rate,
                                         duration=info.video.duration, count=info.video.frame_count)
        self.w.player.load(info.path, duration=info.duration, clock=clock)
        self.w.timeline.canvas.set_duration(info.duration)
        if info.video is None:
            self.w.video_view.clear("Audio only: no picture in this file")
        else:
            self.w.video_view.clear("Loading…")
        self.session.open(doc, project_path=project_path, media=info, dirty=dirty)
        self.w.timeline.zoom_fit()
        self.w.media_loader.start(info)
        self.w.show_status(f"Opened {info.path.name}")

    def _remember(self, path: Path) -> None:
        self.w.settings = self.w.settings.with_recent(str(path.resolve()))
        try:
            save_settings(self.w.settings)
        except OSError as exc:
            log.warning("cannot save recent files: %s", exc)
        self.rebuild_recent_menu()

    def rebuild_recent_menu(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for i, name in enumerate(self.w.settings.recent_files[:9]):
            action = QAction(f"&{i + 1} {Path(name).name}", menu)
            action.setToolTip(name)
            action.setStatusTip(name)
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{i + 1}"))
            action.triggered.connect(lambda _=False, p=name: self.open_path(Path(p)))
            menu.addAction(action)
        menu.setEnabled(bool(self.w.settings.recent_files))

    # Saving ---------------------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """True when it is fine to drop the open document (saved, or the user said so)."""
        if not self.session.is_dirty:
            return True
        name = (self.session.project_path or self.session.video_path or Path("the project")).name
        answer = dialogs.ask_save_changes(self.w, name)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.autosaver.store.remove()
            return True
        return False

    def save(self) -> bool:
        from vidmeta.store import default_project_path

        if self.session.video_path is None:
            return False
        path = self.session.project_path
        if path is None:
            sidecar = default_project_path(self.session.video_path)
            if sidecar.exists():  # a project we could not load: never overwrite it unasked
                return self.save_as()
            path = sidecar
        return self._save_to(path)

    def save_as(self, path: Path | None = None) -> bool:
        from vidmeta.store import default_project_path

        if self.session.video_path is None:
            return False
        if path is None:
            suggested = self.session.project_path or default_project_path(self.session.video_path)
            path = dialogs.save_file(self.w, "Save project as", "vidmeta projects (*.vidmeta.json);;JSON (*.json)",
                                     suggested)
            if path is None:
                return False
        if not path.name.endswith(".json"):
            path = path.with_name(path.name + PROJECT_SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            saved = self.session.save(path)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Cannot save")
            return False
        self.autosaver.store.remove()
        self._remember(saved)
        self.w.show_status(f"Saved {saved}")
        return True

    def close_document(self) -> bool:
        if not self.maybe_save():
            return False
        self.w.media_loader.cancel()
        self.w.player.unload()
        self.session.close()
        self.w.timeline.canvas.set_duration(0.0)
        self.w.timeline.canvas.set_thumbnails([])
        self.w.timeline.canvas.set_waveform(None)
        self.w.video_view.clear("Open a video: File > Open (Ctrl+O), or drop a file here")
        return True

    # Import and export ----------------------------------------------------------------------

    def import_eaf(self, path: Path | None = None) -> bool:
        if path is None:
            path = dialogs.open_file(self.w, "Import ELAN annotations", "ELAN (*.eaf)")
            if path is None:
                return False
        from vidmeta.io import import_eaf

        try:
            imported = import_eaf(path)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Cannot import")
            return False
        doc = merge_imported(self.session.document, imported.tiers, imported.labels)
        self.session.apply(doc, f"Import {path.name}")
        self.w.show_status(f"Imported {len(imported.tiers)} tier(s) from {path.name}")
        return True

    _EXPORTS = {
        "project": ("Export project", "vidmeta project (*.json)", ".json"),
        "csv": ("Export annotations as CSV", "CSV (*.csv)", ".csv"),
        "eaf": ("Export annotations for ELAN", "ELAN (*.eaf)", ".eaf"),
    }

    def export(self, kind: str, path: Path | None = None) -> bool:
        title, file_filter, suffix = self._EXPORTS[kind]
        video = self.session.video_path
        if video is None:
            return False
        if path is None:
            path = dialogs.save_file(self.w, title, file_filter, video.with_suffix(suffix))
            if path is None:
                return False
        from vidmeta.io import export_csv, export_eaf
        from vidmeta.store import save_project

        writers = {"project": save_project, "csv": export_csv, "eaf": export_eaf}
        try:
            writers[kind](self.session.document, path)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Cannot export")
            return False
        except OSError as exc:
            dialogs.show_error(self.w, f"{path}: cannot write ({exc.strerror or exc})", title="Cannot export")
            return False
        self.w.show_status(f"Exported {path}")
        return True

    def save_frame(self, path: Path | None = None) -> bool:
        image = self.w.video_view.render_frame()
        if image is None:
            return False
        if path is None:
            t = self.w.player.position
            default = self.session.video_path.with_name(f"{self.session.video_path.stem}_{t:09.3f}s.png")
            path = dialogs.save_file(self.w, "Save frame", "PNG (*.png)", default)
            if path is None:
                return False
        if not image.save(str(path)):
            dialogs.show_error(self.w, f"{path}: cannot write the image here", title="Cannot save frame")
            return False
        self.w.show_status(f"Frame saved to {path}")
        return True

    # Recovery -------------------------------------------------------------------------------

    def offer_recovery(self) -> bool:
        """Ask about work left by a session that crashed; True when a document was recovered."""
        for entry in self.autosaver.store.orphans():
            answer = dialogs.ask_recover(self.w, entry.describe())
            if answer == QMessageBox.StandardButton.Cancel:
                continue
            if answer == QMessageBox.StandardButton.No:
                entry.discard()
                continue
            try:
                doc = entry.load()
                video = entry.video_path or (doc.video.path if doc.video else None)
                if video is None:
                    raise ProjectError(entry.document_path, "the recovered work names no video")
                self._open_video(video, doc=doc, project_path=entry.project_path, dirty=True)
            except VidmetaError as exc:
                dialogs.show_error(self.w, exc.user_message(), title="Cannot recover")
                continue
            entry.discard()
            self.autosaver.autosave()  # keep the recovered work safe under this session's name
            return True
        return False
