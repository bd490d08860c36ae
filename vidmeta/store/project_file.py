"""Project documents as JSON files: `<video>.vidmeta.json` beside the video, or anywhere the user says.

Saving is atomic (temp file, fsync, rename) and keeps the previous version as `<file>.bak`.
Loading migrates older schemas, and refuses newer or corrupt files without touching them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from vidmeta.domain import (
    Chapter,
    Cue,
    Label,
    ProjectDocument,
    ProjectError,
    Segment,
    SegmentSource,
    Tier,
    TierKind,
    VideoRef,
    Word,
)
from vidmeta.store.migrations import migrate

SCHEMA_VERSION = 2
PROJECT_SUFFIX = ".vidmeta.json"
FORMAT_TAG = "vidmeta-project"


def default_project_path(video: str | Path) -> Path:
    video = Path(video)
    return video.with_name(video.name + PROJECT_SUFFIX)


def document_to_dict(doc: ProjectDocument) -> dict[str, Any]:
    return {
        "format": FORMAT_TAG,
        "schema_version": SCHEMA_VERSION,
        "video": None
        if doc.video is None
        else {
            "path": str(doc.video.path),
            "size_bytes": doc.video.size_bytes,
            "fingerprint": doc.video.fingerprint,
        },
        "labels": [{"name": lab.name, "color": lab.color, "hotkey": lab.hotkey} for lab in doc.labels],
        "tiers": [
            {
                "id": t.id,
                "name": t.name,
                "kind": t.kind.value,
                "segments": [
                    {
                        "id": s.id,
                        "start": s.start,
                        "end": s.end,
                        "label": s.label,
                        "text": s.text,
                        "confidence": s.confidence,
                        "source": s.source.value,
                    }
                    for s in t.segments
                ],
            }
            for t in doc.tiers
        ],
        "cues": [
            {
                "id": c.id,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "speaker": c.speaker,
                "suspect": c.suspect,
                "suspect_reason": c.suspect_reason,
                "words": [[w.start, w.end, w.text, w.probability] for w in c.words],
            }
            for c in doc.cues
        ],
        "chapters": [{"id": c.id, "start": c.start, "end": c.end, "title": c.title} for c in doc.chapters],
        "summary": doc.summary,
    }


def document_from_dict(data: dict[str, Any]) -> ProjectDocument:
    """Build a document from a current-schema dict; raises KeyError/TypeError/ValueError on bad content."""
    video = data.get("video")
    return ProjectDocument(
        video=None
        if video is None
        else VideoRef(Path(video["path"]), int(video["size_bytes"]), str(video["fingerprint"])),
        labels=tuple(Label(str(x["name"]), str(x["color"]), x.get("hotkey")) for x in data.get("labels", [])),
        tiers=tuple(
            Tier(
                id=str(t["id"]),
                name=str(t["name"]),
                kind=TierKind(t["kind"]),
                segments=tuple(
                    Segment(
                        id=str(s["id"]),
                        start=float(s["start"]),
                        end=float(s["end"]),
                        label=str(s.get("label", "")),
                        text=str(s.get("text", "")),
                        confidence=None if s.get("confidence") is None else float(s["confidence"]),
                        source=SegmentSource(s.get("source", "user")),
                    )
                    for s in t["segments"]
                ),
            )
            for t in data.get("tiers", [])
        ),
        cues=tuple(
            Cue(
                id=str(c["id"]),
                start=float(c["start"]),
                end=float(c["end"]),
                text=str(c["text"]),
                speaker=c.get("speaker"),
                suspect=bool(c.get("suspect", False)),
                suspect_reason=str(c.get("suspect_reason", "")),
                words=tuple(Word(float(w[0]), float(w[1]), str(w[2]), float(w[3])) for w in c.get("words", [])),
            )
            for c in data.get("cues", [])
        ),
        chapters=tuple(
            Chapter(id=str(c["id"]), start=float(c["start"]), end=float(c["end"]), title=str(c["title"]))
            for c in data.get("chapters", [])
        ),
        summary=str(data.get("summary", "")),
    )


def load_project(path: str | Path) -> ProjectDocument:
    """Read a project file. Never writes: a migrated document is saved only when the user saves."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectError(path, "no such project file") from None
    except IsADirectoryError:
        raise ProjectError(path, "is a directory, not a project file") from None
    except PermissionError:
        raise ProjectError(path, "permission denied") from None
    except UnicodeDecodeError:
        raise ProjectError(path, "not a vidmeta project (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectError(path, f"corrupt project file (invalid JSON at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        raise ProjectError(path, "not a vidmeta project file")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ProjectError(path, f"corrupt project file (bad schema_version {version!r})")
    if version > SCHEMA_VERSION:
        raise ProjectError(
            path,
            f"written by a newer vidmeta (schema {version}; this version reads up to {SCHEMA_VERSION}); "
            "update vidmeta to open it",
        )
    try:
        return document_from_dict(migrate(data, SCHEMA_VERSION))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProjectError(path, f"corrupt project file ({type(exc).__name__}: {exc})") from None


def save_project(doc: ProjectDocument, path: str | Path) -> Path:
    """Write atomically: the old file stays whole until the new one is complete on disk."""
    path = Path(path)
    payload = json.dumps(document_to_dict(doc), indent=1, ensure_ascii=False)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ProjectError(path, f"cannot write here ({exc.strerror})") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copy2(path, path.with_name(path.name + ".bak"))
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ProjectError(path, f"could not save ({exc.strerror or exc})") from None
        raise
    _fsync_dir(directory)
    return path


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported on every platform; the rename is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
