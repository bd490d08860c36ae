"""The main window: video with transport on top, the timeline below, labels and jobs in side panels.

This module lays the window out and connects the parts. What the commands do lives in the
controllers: documents.py (open, save, import, export, recovery), editing.py (segments, labels,
tiers) and media_loader.py (frame times, waveform, thumbnails in the background).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QVBoxLayout, QWidget
from superqt.utils import qthrottled

from vidmeta.config import app_paths, load_settings, save_settings
from vidmeta.domain import ProjectDocument, TierKind
from vidmeta.gui import dialogs
from vidmeta.gui.actions import MENU_ORDER, bind_undo_actions, build_actions, specs
from vidmeta.gui.documents import DocumentController
from vidmeta.gui.editing import EditController
from vidmeta.gui.jobs_panel import JobsPanel, StatusJobIndicator
from vidmeta.gui.label_panel import LabelPanel
from vidmeta.gui.labelling import LabellingController
from vidmeta.gui.media_loader import MediaLoader
from vidmeta.gui.player import Player
from vidmeta.gui.session import EditorSession
from vidmeta.gui.shortcuts import ShortcutsDialog, shortcut_rows
from vidmeta.gui.subtitle_editor import SubtitleEditor
from vidmeta.gui.subtitles import SubtitleController
from vidmeta.gui.similar_panel import SimilarController, SimilarPanel
from vidmeta.gui.summary_panel import SummaryController, SummaryPanel
from vidmeta.gui.timeline import TimelineView
from vidmeta.gui.transport import TransportBar
from vidmeta.gui.video_view import VideoView
from vidmeta.gui.worker import JobHandle, JobRunner, JobState

log = logging.getLogger(__name__)
APP_TITLE = "vidmeta"


def window_settings() -> QSettings:
    """Window geometry in the app's config folder (so VIDMETA_HOME moves it too)."""
    return QSettings(str(app_paths().config_dir / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, *, autosave_interval_ms: int | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        self.resize(1280, 820)
        self.settings = load_settings()
        self.speaker_overlay = None  # face boxes of the open video, once analysed
        self.session = EditorSession(self)
        self.player = Player(self)
        self.inference_jobs = JobRunner("inference", self)  # models: one job at a time, long-lived
        self.media_jobs = JobRunner("media", self)  # frame times, waveform, thumbnails of the open video
        self.actions = build_actions(self)
        self.undo_action = self.session.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.session.undo_stack.createRedoAction(self, "&Redo")
        bind_undo_actions(self, self.undo_action, self.redo_action)

        self.video_view = VideoView(self)
        self.transport = TransportBar(self.actions, self)
        self.timeline = TimelineView(self)
        self.label_panel = LabelPanel(self)
        self.subtitle_editor = SubtitleEditor(self)
        self.summary_panel = SummaryPanel(self)
        self.similar_panel = SimilarPanel(self)
        self.jobs_panel = JobsPanel([self.inference_jobs, self.media_jobs], self)
        self.job_indicator = StatusJobIndicator([self.inference_jobs, self.media_jobs], self)
        self._build_layout()

        self.documents = DocumentController(self, autosave_interval_ms=autosave_interval_ms)
        self.editing = EditController(self)
        self.media_loader = MediaLoader(self)
        self.subtitles = SubtitleController(self)
        self.labelling = LabellingController(self)
        self.summaries = SummaryController(self)
        self.similar = SimilarController(self)
        self._build_menus()
        self._connect()
        self._on_video(None)
        self._restore_geometry()

    # Layout ---------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.video_view, 1)
        top_layout.addWidget(self.transport)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([470, 300])
        self.setCentralWidget(self.splitter)
        self.labels_dock = self._dock("Labels", self.label_panel, "labels_dock")
        self.jobs_dock = self._dock("Jobs", self.jobs_panel, "jobs_dock")
        self.subtitles_dock = self._dock("Subtitles", self.subtitle_editor, "subtitles_dock")
        self.subtitles_dock.setMinimumWidth(420)  # times, speaker and text side by side
        self.summary_dock = self._dock("Summary", self.summary_panel, "summary_dock")
        self.tabifyDockWidget(self.labels_dock, self.subtitles_dock)  # full height for the cue table
        self.tabifyDockWidget(self.labels_dock, self.summary_dock)
        self.similar_dock = self._dock("Similar", self.similar_panel, "similar_dock")
        self.tabifyDockWidget(self.labels_dock, self.similar_dock)
        self.labels_dock.raise_()
        self.subtitles_dock.hide()  # shown from Speech > Subtitle Editor, or when subtitles are generated
        self.summary_dock.hide()  # shown from Summary > Summary Panel, or when a summary is made
        self.similar_dock.hide()  # shown with the hits of Find Similar or a transcript search
        self.status_message = QLabel(self)
        self.status_message.setObjectName("status_message")
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(self.status_message.clear)
        self.statusBar().addWidget(self.status_message, 1)
        self.statusBar().addPermanentWidget(self.job_indicator)

    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setMinimumWidth(230)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus: dict[str, QMenu] = {name: bar.addMenu(f"&{name}") for name in MENU_ORDER}
        menus["Edit"].addAction(self.undo_action)
        menus["Edit"].addAction(self.redo_action)
        menus["Edit"].addSeparator()
        for spec in specs():
            path = spec.menu.split("/")
            menu = menus[path[0]]
            for i in range(1, len(path)):
                key = "/".join(path[: i + 1])
                if key not in menus:
                    menus[key] = menu.addMenu(path[i])
                menu = menus[key]
            if spec.key == "close":
                menus["File"].addSeparator()
            menu.addAction(self.actions[spec.key])
            if spec.key == "open":
                self.recent_menu = menus["File"].addMenu("Open &Recent")
                self.recent_menu.setObjectName("recent_menu")
        self.menus = menus
        for key, dock in (("toggle_labels", self.labels_dock), ("toggle_jobs", self.jobs_dock),
                          ("toggle_subtitles", self.subtitles_dock), ("toggle_summary", self.summary_dock),
                          ("toggle_similar", self.similar_dock)):
            # The dock's own toggle action knows when it is really shown (not just the window hidden).
            action, view = self.actions[key], dock.toggleViewAction()
            action.setChecked(view.isChecked())
            action.triggered.connect(view.trigger)
            view.toggled.connect(action.setChecked)
            action.triggered.connect(lambda on, dock=dock: on and dock.raise_())  # to the front of its tabs
        self.documents.rebuild_recent_menu()

    # Wiring ---------------------------------------------------------------------------------

    def _connect(self) -> None:
        a, p = self.actions, self.player
        a["play"].triggered.connect(p.toggle)
        a["frame_back"].triggered.connect(lambda: p.step_frames(-1))
        a["frame_fwd"].triggered.connect(lambda: p.step_frames(1))
        a["back_1s"].triggered.connect(lambda: p.jump(-1.0))
        a["fwd_1s"].triggered.connect(lambda: p.jump(1.0))
        a["back_5s"].triggered.connect(lambda: p.jump(-5.0))
        a["fwd_5s"].triggered.connect(lambda: p.jump(5.0))
        a["go_start"].triggered.connect(lambda: p.seek(0.0))
        a["go_end"].triggered.connect(lambda: p.seek(p.duration))
        a["slower"].triggered.connect(lambda: p.change_rate(-1))
        a["faster"].triggered.connect(lambda: p.change_rate(1))
        a["normal_speed"].triggered.connect(lambda: p.set_rate(1.0))
        a["mute"].toggled.connect(p.set_muted)
        a["zoom_in"].triggered.connect(lambda: self.timeline.zoom(1.5))
        a["zoom_out"].triggered.connect(lambda: self.timeline.zoom(1 / 1.5))
        a["zoom_fit"].triggered.connect(self.timeline.zoom_fit)
        a["follow"].setChecked(True)
        a["follow"].toggled.connect(lambda on: setattr(self.timeline, "follow_playhead", on))
        a["cancel_jobs"].triggered.connect(self.cancel_all_jobs)
        a["find_speakers"].triggered.connect(lambda: self.find_speakers())
        a["settings"].triggered.connect(self.show_settings)
        a["shortcuts"].triggered.connect(self.show_shortcuts)
        a["about"].triggered.connect(self.show_about)
        a["quit"].triggered.connect(self.close)
        self.transport.rateSelected.connect(p.set_rate)
        self.transport.volumeChanged.connect(p.set_volume)
        p.frameReady.connect(self.video_view.set_frame)
        p.positionChanged.connect(self._on_position)
        p.durationChanged.connect(self._on_duration)
        p.playingChanged.connect(self.transport.set_playing)
        p.rateChanged.connect(self.transport.set_rate)
        p.errorOccurred.connect(lambda msg: self.show_status(f"Player: {msg}"))
        self.timeline.canvas.seekRequested.connect(self._seek_throttled)
        self.session.documentChanged.connect(self._on_document)
        self.session.dirtyChanged.connect(self._update_title)
        self.session.projectPathChanged.connect(self._update_title)
        self.session.videoChanged.connect(self._on_video)
        self.inference_jobs.jobFinished.connect(self._on_job_finished)
        self.media_jobs.jobFinished.connect(self._on_job_finished)

    @qthrottled(timeout=30, leading=True)
    def _seek_throttled(self, t: float) -> None:
        # Dragging on the ruler fires hundreds of moves a second; the decoder needs one seek per frame.
        self.player.seek(t)

    def _on_position(self, t: float) -> None:
        self.timeline.set_playhead(t, playing=self.player.playing)
        self.transport.set_time(t, self.player.duration, self.player.clock)
        self.video_view.set_subtitle(self._subtitle_at(t))
        self.subtitle_editor.set_position(t)
        if self.speaker_overlay is not None:
            self.video_view.set_face_boxes(self.speaker_overlay.boxes_at(t))

    def _on_duration(self, seconds: float) -> None:
        if seconds > 0 and abs(seconds - self.timeline.canvas.scale.duration) > 1e-6:
            self.timeline.canvas.set_duration(seconds)
            self.timeline.zoom_fit()
            self.transport.set_time(self.player.position, seconds, self.player.clock)

    def _subtitle_at(self, t: float) -> str:
        doc = self.session.document
        for cue in doc.cues:
            if not cue.suspect and cue.start <= t < cue.end:
                return cue.text
        for tier in doc.tiers:
            if tier.kind == TierKind.SUBTITLE:
                for seg in tier.segments:
                    if seg.start <= t < seg.end:
                        return seg.text or seg.label
        return ""

    def _on_video(self, _media) -> None:
        self.speaker_overlay = None
        self.video_view.set_face_boxes([])
        self.timeline.canvas.set_speaker_rows(None)
        self.actions["find_speakers"].setEnabled(_media is not None and _media.video is not None)
        self._update_title()

    def _on_document(self, doc: ProjectDocument) -> None:
        self.timeline.canvas.set_document(doc)
        self.label_panel.set_labels(doc.labels)
        self.subtitle_editor.set_document(doc)
        self.video_view.set_subtitle(self._subtitle_at(self.player.position))

    def _update_title(self, *_changed) -> None:
        s = self.session
        name = (s.project_path or s.video_path)
        title = f"{name.name}[*] — {APP_TITLE}" if name is not None else f"{APP_TITLE}[*]"
        self.setWindowTitle(title)
        self.setWindowModified(s.is_dirty)

    def show_status(self, text: str, timeout_ms: int = 6000) -> None:
        self.status_message.setText(text)
        self._status_timer.start(timeout_ms)

    # Jobs -----------------------------------------------------------------------------------

    def run_job(self, title: str, factory, *, apply=None, on_success=None, uses_torch: bool = True) -> JobHandle:
        """Run a pipeline job on the inference worker.

        `apply(document, result) -> document` turns a successful result into one undo step; a failed
        or cancelled job leaves the document as it was. `on_success(result)` is for everything else.
        `uses_torch`: pipeline jobs run models; torch is imported once, under a lock, before they start.
        """
        def done(result) -> None:
            if apply is not None:
                self.session.apply(apply(self.session.document, result), title)
            if on_success is not None:
                on_success(result)

        return self.inference_jobs.submit(title, factory, on_success=done, uses_torch=uses_torch)

    def find_speakers(self, factory=None) -> JobHandle | None:
        """Analyse faces and speakers of the open video; the boxes appear when the job is done."""
        from vidmeta.gui.speakers import SpeakerOverlay, speakers_job
        from vidmeta.gui.timeline.speaker_rows import SpeakerRowData

        media = self.session.media
        if media is None or media.video is None:
            self.show_status("Faces and speakers: open a video first")
            return None
        path = media.path
        factory = factory or (lambda cancel: speakers_job(path, cancel=cancel))

        def show(result) -> None:
            features, timeline = result
            if self.session.video_path != path:
                return  # another video was opened meanwhile
            self.speaker_overlay = SpeakerOverlay(features.faces, timeline, width=media.video.width,
                                                  height=media.video.height)
            self.timeline.canvas.set_speaker_rows(SpeakerRowData.from_analysis(features.faces, timeline))
            self._on_position(self.player.position)
            self.show_status(f"{self.speaker_overlay.track_count} face track(s) found")

        return self.run_job(f"Faces and speakers: {path.name}", factory, on_success=show)

    def cancel_all_jobs(self) -> None:
        self.inference_jobs.cancel_all()
        self.media_jobs.cancel_all()

    def _on_job_finished(self, job: JobHandle) -> None:
        if job.state == JobState.FAILED:
            dialogs.show_error(self, f"{job.title} failed: {job.error}", title="Job failed", details=job.details)
        elif job.state == JobState.CANCELLED:
            self.show_status(f"{job.title} cancelled")

    # Dialogs --------------------------------------------------------------------------------

    def show_settings(self) -> None:
        from vidmeta.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(load_settings(), app_paths().model_dir, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.settings = dialog.settings()
            save_settings(self.settings)
            self.show_status("Settings saved")

    def show_shortcuts(self) -> ShortcutsDialog:
        extra = [("Edit", self.undo_action), ("Edit", self.redo_action)]
        extra += [("File › Open Recent", act) for act in self.recent_menu.actions()]
        dialog = ShortcutsDialog(shortcut_rows(self.actions, extra), self)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self, "About vidmeta",
                          "<b>vidmeta</b><br>Understand video: subtitles, speakers, labels, chapters and "
                          "summaries from frames, audio and lips.")

    # Window ---------------------------------------------------------------------------------

    def open_path(self, path: str | Path) -> bool:
        return self.documents.open_path(Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            # After the drop returns: a modal dialog inside a drop handler blocks the drag source.
            QTimer.singleShot(0, lambda: self.open_path(files[0]))

    def _restore_geometry(self) -> None:
        qs = window_settings()
        geometry = qs.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = qs.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = qs.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def _save_geometry(self) -> None:
        qs = window_settings()
        qs.setValue("geometry", self.saveGeometry())
        qs.setValue("state", self.saveState())
        qs.setValue("splitter", self.splitter.saveState())
        qs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.documents.maybe_save():
            event.ignore()
            return
        self._save_geometry()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop playback and the worker threads, and drop the recovery file (the work is safe)."""
        self.player.unload()
        for runner in (self.inference_jobs, self.media_jobs):
            if not runner.shutdown(3000):
                log.warning("the %s worker did not stop in time", runner.name)
        self.documents.autosaver.timer.stop()
        self.documents.autosaver.store.remove()
