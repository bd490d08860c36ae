"""Background jobs: a long-lived worker thread that drives pipeline generators one at a time.

A job is a generator function from vidmeta.pipeline: it yields Progress, checks a CancelToken and
returns its result. The worker checks the token after every yield as well and closes the generator,
so cancel takes effect at the job's next step. Results come back to the main thread by signals;
the caller's callbacks run there, and are the only place where a job's result touches the document.
"""

from __future__ import annotations

import atexit
import enum
import itertools
import logging
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from vidmeta.domain import CancelToken, Cancelled, Progress, VidmetaError

log = logging.getLogger(__name__)

JobFactory = Callable[[CancelToken], Generator[Progress, None, Any]]
_PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second: the UI cannot show more
_EXIT_WAIT_MS = 30_000
_TORCH_IMPORT_LOCK = threading.Lock()
# While a job runs Python code (whisper's token loop, a learner's episodes) the GUI thread must take
# the GIL for every Python-implemented Qt virtual it calls (paint, size hints, slots): a layout pass
# makes a hundred such calls. At Python's default 5 ms hand-over that is a frozen window for half a
# second; at 0.5 ms it stays under 100 ms, and an uncontended GIL costs nothing either way.
GIL_SWITCH_INTERVAL_S = 0.0005

# Worker threads whose window closed while a job step was still running (a step cannot be interrupted,
# e.g. a library import). They are kept here until the process exits: destroying a running QThread
# aborts the process.
_detached: list["_WorkerThread"] = []


def import_torch_once() -> None:
    """Import torch in one thread at a time: two threads importing it together can each be handed a
    half-initialised module (Python breaks the import-lock cycle that way)."""
    with _TORCH_IMPORT_LOCK:
        import torch  # noqa: F401


def in_worker(target: str, *args: Any, **kwargs: Any) -> JobFactory:
    """A job factory for the pipeline job ``target`` ("package.module.function"), imported by the
    worker when the job starts: the first import of a pipeline module (numpy, OpenCV, torch...)
    takes a few hundred milliseconds that must not be spent on the GUI thread."""

    def factory(cancel: CancelToken) -> Generator[Progress, None, Any]:
        def run() -> Generator[Progress, None, Any]:
            import importlib

            module, name = target.rsplit(".", 1)
            job = getattr(importlib.import_module(module), name)
            return (yield from job(*args, cancel=cancel, **kwargs))

        return run()

    return factory


def wait_for_detached_workers(timeout_ms: int = _EXIT_WAIT_MS) -> bool:
    """Wait until the workers of closed windows have finished their last step; True if all did."""
    return all(thread.wait(timeout_ms) for thread in _detached)


atexit.register(wait_for_detached_workers)


class JobState(enum.Enum):
    QUEUED = "Queued"
    RUNNING = "Running"
    DONE = "Done"
    FAILED = "Failed"
    CANCELLED = "Cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(eq=False)
class JobHandle:
    """The main thread's view of one job."""

    id: int
    title: str
    factory: JobFactory
    cancel_token: CancelToken = field(default_factory=CancelToken)
    state: JobState = JobState.QUEUED
    progress: Progress = field(default_factory=lambda: Progress(0.0, "Waiting"))
    result: Any = None
    error: str = ""  # one line for the user
    details: str = ""  # traceback or longer reason, for the dialog's details
    on_success: Callable[[Any], None] | None = None
    on_failure: Callable[["JobHandle"], None] | None = None
    uses_torch: bool = False  # import torch (once, under a lock) before the job starts
    cancel_requested_at: float | None = None  # time.monotonic() when the user pressed Cancel
    finished_at: float | None = None

    def cancel(self) -> None:
        if not self.state.finished and self.cancel_requested_at is None:
            self.cancel_requested_at = time.monotonic()
        self.cancel_token.cancel()


class _WorkerThread(QThread):
    started_job = Signal(int)
    progressed = Signal(int, object)  # job id, Progress
    succeeded = Signal(int, object)  # job id, result
    failed = Signal(int, str, str)  # job id, message, details
    cancelled = Signal(int)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.queue: queue.Queue[JobHandle | None] = queue.Queue()

    def run(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            if job.cancel_token.cancelled:
                self.cancelled.emit(job.id)
                continue
            self.started_job.emit(job.id)
            self._drive(job)

    def _drive(self, job: JobHandle) -> None:
        last_emit = 0.0
        try:
            if job.uses_torch:
                import_torch_once()
                job.cancel_token.raise_if_cancelled()
            gen = job.factory(job.cancel_token)
            while True:
                try:
                    progress = next(gen)
                except StopIteration as stop:
                    self.succeeded.emit(job.id, stop.value)
                    return
                if job.cancel_token.cancelled:
                    gen.close()
                    raise Cancelled()
                now = time.monotonic()
                if now - last_emit >= _PROGRESS_INTERVAL_S or progress.fraction >= 1.0:
                    last_emit = now
                    self.progressed.emit(job.id, progress)
        except Cancelled:
            self.cancelled.emit(job.id)
        except VidmetaError as exc:
            self.failed.emit(job.id, exc.user_message(), traceback.format_exc())
        except Exception as exc:  # a bug in a job must not kill the worker: report it, keep running
            log.exception("job %r failed", job.title)
            self.failed.emit(job.id, f"{type(exc).__name__}: {exc}", traceback.format_exc())


class JobRunner(QObject):
    """Runs jobs one at a time on its own long-lived thread, in the order they were submitted."""

    jobAdded = Signal(object)  # JobHandle
    jobChanged = Signal(object)  # JobHandle: state or progress changed
    jobFinished = Signal(object)  # JobHandle: done, failed or cancelled

    _ids = itertools.count(1)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        self.name = name
        self._jobs: dict[int, JobHandle] = {}
        self._thread = _WorkerThread(name, self)
        self._thread.started_job.connect(self._on_started)
        self._thread.progressed.connect(self._on_progress)
        self._thread.succeeded.connect(self._on_succeeded)
        self._thread.failed.connect(self._on_failed)
        self._thread.cancelled.connect(self._on_cancelled)
        self._thread.start()

    def submit(
        self,
        title: str,
        factory: JobFactory,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[JobHandle], None] | None = None,
        uses_torch: bool = False,
    ) -> JobHandle:
        job = JobHandle(next(self._ids), title, factory, on_success=on_success, on_failure=on_failure,
                        uses_torch=uses_torch)
        self._jobs[job.id] = job
        self.jobAdded.emit(job)
        self._thread.queue.put(job)
        return job

    def jobs(self) -> list[JobHandle]:
        return list(self._jobs.values())

    def active(self) -> list[JobHandle]:
        return [j for j in self._jobs.values() if not j.state.finished]

    def cancel(self, job: JobHandle) -> None:
        job.cancel()
        self.jobChanged.emit(job)

    def cancel_all(self) -> None:
        for job in self.active():
            self.cancel(job)

    def forget_finished(self) -> None:
        self._jobs = {i: j for i, j in self._jobs.items() if not j.state.finished}

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel everything and stop the thread; False when a job did not stop in time."""
        self.cancel_all()
        self._thread.queue.put(None)
        if self._thread.wait(timeout_ms):
            return True
        self._thread.setParent(None)
        _detached.append(self._thread)
        return False

    # From the worker thread (queued onto this thread by Qt) ---------------------------------

    def _on_started(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is not None:
            job.state = JobState.RUNNING
            job.progress = Progress(0.0, "Starting")
            self.jobChanged.emit(job)

    def _on_progress(self, job_id: int, progress: Progress) -> None:
        job = self._jobs.get(job_id)
        if job is not None and not job.state.finished:
            job.progress = progress
            self.jobChanged.emit(job)

    def _finish(self, job_id: int, state: JobState) -> JobHandle | None:
        job = self._jobs.get(job_id)
        if job is None:
            return None
        job.state = state
        job.finished_at = time.monotonic()
        return job

    def _on_succeeded(self, job_id: int, result: Any) -> None:
        job = self._finish(job_id, JobState.DONE)
        if job is None:
            return
        job.result = result
        job.progress = Progress(1.0, "Done")
        if job.cancel_token.cancelled:
            # Finished in the instant after Cancel: the user asked for nothing to change.
            job.state = JobState.CANCELLED
        elif job.on_success is not None:
            try:
                job.on_success(result)
                job.result = None  # delivered; the panel keeps the handle, not the (maybe large) result
            except Exception as exc:  # applying a result is app code: report like a job failure
                log.exception("applying the result of %r failed", job.title)
                job.state, job.error, job.details = JobState.FAILED, f"{type(exc).__name__}: {exc}", traceback.format_exc()
        self._report(job)

    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        job = self._finish(job_id, JobState.FAILED)
        if job is not None:
            job.error, job.details = message, details
            self._report(job)

    def _on_cancelled(self, job_id: int) -> None:
        job = self._finish(job_id, JobState.CANCELLED)
        if job is not None:
            self._report(job)

    def _report(self, job: JobHandle) -> None:
        if job.state == JobState.FAILED and job.on_failure is not None:
            job.on_failure(job)
        self.jobChanged.emit(job)
        self.jobFinished.emit(job)
