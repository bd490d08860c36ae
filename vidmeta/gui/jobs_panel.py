"""Where background jobs are seen: a panel with one row per job and a status-bar progress bar,
each with the job's stage text and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vidmeta.gui.worker import JobHandle, JobRunner, JobState


def _stage_text(job: JobHandle) -> str:
    if job.state == JobState.FAILED:
        return f"Failed: {job.error}"
    if job.state in (JobState.CANCELLED, JobState.DONE, JobState.QUEUED):
        return job.state.value
    if job.cancel_requested_at is not None:
        return "Cancelling…"
    detail = f" — {job.progress.detail}" if job.progress.detail else ""
    return f"{job.progress.stage}{detail}"


class JobRow(QFrame):
    def __init__(self, job: JobHandle, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.job = job
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        self.title = QLabel(f"<b>{job.title}</b>", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(lambda: runner.cancel(job))
        top.addWidget(self.title, 1)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)
        self.stage = QLabel(self)
        self.stage.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar)
        self.refresh()

    def refresh(self) -> None:
        job = self.job
        self.stage.setText(_stage_text(job))
        self.bar.setValue(int(job.progress.fraction * 1000))
        self.cancel_button.setVisible(not job.state.finished)
        self.cancel_button.setEnabled(job.cancel_requested_at is None)
        if job.state == JobState.FAILED:
            self.stage.setStyleSheet("color: #d04040;")


class JobsPanel(QWidget):
    def __init__(self, runners: list[JobRunner], parent: QWidget | None = None):
        super().__init__(parent)
        self._runners = runners
        self._rows: dict[tuple[str, int], JobRow] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        self._holder = QWidget(scroll)
        self._list = QVBoxLayout(self._holder)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.addStretch(1)
        scroll.setWidget(self._holder)
        outer.addWidget(scroll)
        self.empty_label = QLabel("No jobs yet.", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.empty_label)
        self.clear_button = QPushButton("Clear Finished", self)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear_finished)
        outer.addWidget(self.clear_button)
        for runner in runners:
            runner.jobAdded.connect(lambda job, r=runner: self._add(r, job))
            runner.jobChanged.connect(lambda job, r=runner: self._refresh(r, job))

    def row(self, job: JobHandle) -> JobRow | None:
        return next((w for (_, jid), w in self._rows.items() if jid == job.id and w.job is job), None)

    def _add(self, runner: JobRunner, job: JobHandle) -> None:
        row = JobRow(job, runner, self._holder)
        self._rows[(runner.name, job.id)] = row
        self._list.insertWidget(0, row)  # newest on top
        self.empty_label.hide()

    def _refresh(self, runner: JobRunner, job: JobHandle) -> None:
        row = self._rows.get((runner.name, job.id))
        if row is not None:
            row.refresh()

    def clear_finished(self) -> None:
        for key, row in list(self._rows.items()):
            if row.job.state.finished:
                row.deleteLater()
                del self._rows[key]
        for runner in self._runners:
            runner.forget_finished()
        self.empty_label.setVisible(not self._rows)


class StatusJobIndicator(QWidget):
    """Status-bar view of the job running now (the inference job first), with its own Cancel."""

    def __init__(self, runners: list[JobRunner], parent: QWidget | None = None):
        super().__init__(parent)
        self._runners = runners
        self._job: JobHandle | None = None
        self._runner: JobRunner | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(160)
        self.bar.setMaximumHeight(14)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self._cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        for runner in runners:
            runner.jobChanged.connect(lambda _job: self.refresh())
            runner.jobAdded.connect(lambda _job: self.refresh())
        self.refresh()

    @property
    def job(self) -> JobHandle | None:
        return self._job

    def refresh(self) -> None:
        self._job, self._runner = None, None
        for runner in self._runners:
            active = runner.active()
            running = [j for j in active if j.state == JobState.RUNNING] or active
            if running:
                self._job, self._runner = running[0], runner
                break
        self.setVisible(self._job is not None)
        if self._job is not None:
            waiting = sum(len(r.active()) for r in self._runners) - 1
            more = f" (+{waiting} waiting)" if waiting > 0 else ""
            self.label.setText(f"{self._job.title}: {_stage_text(self._job)}{more}")
            self.bar.setValue(int(self._job.progress.fraction * 1000))
            self.cancel_button.setEnabled(self._job.cancel_requested_at is None)

    def _cancel(self) -> None:
        if self._job is not None and self._runner is not None:
            self._runner.cancel(self._job)
