"""Crash recovery: unsaved work is written to a recovery file every minute and offered back on the
next start if the app did not close properly. The recovery file never replaces the project file."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from vidmeta.config import app_paths
from vidmeta.domain import ProjectDocument, VidmetaError
from vidmeta.store import load_project, save_project

log = logging.getLogger(__name__)

AUTOSAVE_INTERVAL_MS = 60_000
_SUFFIX = ".recovery.vidmeta.json"
_META_SUFFIX = ".recovery-meta.json"


@dataclass(frozen=True)
class RecoveryEntry:
    document_path: Path
    meta_path: Path
    pid: int
    project_path: Path | None  # where the user's project lives (None: never saved)
    video_path: Path | None
    saved_at: float  # time.time()

    def describe(self) -> str:
        what = (self.project_path or self.video_path or self.document_path).name
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        return f"{what} (autosaved {when})"

    def load(self) -> ProjectDocument:
        return load_project(self.document_path)

    def discard(self) -> None:
        self.document_path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


class RecoveryStore:
    """Recovery files of this process in the app's data folder; finds those left by dead processes."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or app_paths().data_dir / "recovery"
        self.session_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    @property
    def document_path(self) -> Path:
        return self.folder / (self.session_id + _SUFFIX)

    @property
    def meta_path(self) -> Path:
        return self.folder / (self.session_id + _META_SUFFIX)

    def write(self, doc: ProjectDocument, *, project_path: Path | None, video_path: Path | None) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        save_project(doc, self.document_path)
        self.document_path.with_name(self.document_path.name + ".bak").unlink(missing_ok=True)
        meta = {"pid": os.getpid(), "project_path": None if project_path is None else str(project_path),
                "video_path": None if video_path is None else str(video_path), "saved_at": time.time()}
        tmp = self.meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp, self.meta_path)
        return self.document_path

    def remove(self) -> None:
        self.document_path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)

    def orphans(self) -> list[RecoveryEntry]:
        """Recovery files whose process is gone: the work of a crashed or killed session."""
        found = []
        if not self.folder.is_dir():
            return found
        for meta_path in sorted(self.folder.glob("*" + _META_SUFFIX)):
            doc_path = meta_path.with_name(meta_path.name[: -len(_META_SUFFIX)] + _SUFFIX)
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                pid = int(meta["pid"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("ignoring unreadable recovery file %s: %s", meta_path, exc)
                continue
            if _process_alive(pid) or not doc_path.exists():
                continue
            found.append(RecoveryEntry(
                document_path=doc_path, meta_path=meta_path, pid=pid,
                project_path=Path(meta["project_path"]) if meta.get("project_path") else None,
                video_path=Path(meta["video_path"]) if meta.get("video_path") else None,
                saved_at=float(meta.get("saved_at", doc_path.stat().st_mtime)),
            ))
        return found


class Autosaver(QObject):
    """Every interval, writes the session's document to the recovery file while it has unsaved work."""

    def __init__(self, session, store: RecoveryStore, parent: QObject | None = None,
                 interval_ms: int = AUTOSAVE_INTERVAL_MS):
        super().__init__(parent)
        self._session = session
        self.store = store
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        session.dirtyChanged.connect(self._on_dirty)

    def autosave(self) -> bool:
        """Write the recovery file now if there is unsaved work; True when written."""
        s = self._session
        if not s.is_dirty or s.video_path is None:
            self.store.remove()
            return False
        try:
            self.store.write(s.document, project_path=s.project_path, video_path=s.video_path)
        except (OSError, VidmetaError) as exc:  # recovery is a safety net; never interrupt the user
            log.warning("autosave failed: %s", exc)
            return False
        return True

    def _on_dirty(self, dirty: bool) -> None:
        if not dirty:
            self.store.remove()  # saved (or undone to the saved state): nothing to recover
