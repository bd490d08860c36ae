"""Label sets: named labels with their example windows, kept in the library (sqlite3 in the user
data folder) and shareable as a file.

An example keeps the raw per-modality features of its window (not the fused descriptor), so it
can be brought into any other video's descriptor space (``WindowDescriptors.transform``), and
where it came from (video, fingerprint, times). Saving a set from a video replaces the examples
that video gave before and keeps those of other videos: one set grows across the library.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.config.paths import app_paths
from vidmeta.domain import LabellingError, ProjectDocument
from vidmeta.labelling.descriptors import WindowDescriptors
from vidmeta.labelling.examples import Examples
from vidmeta.labelling.suggest import Support

FILE_FORMAT = "vidmeta-label-set"
FILE_VERSION = 1
FILE_SUFFIX = ".vidmeta-labels.json"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS label_sets (
    name TEXT PRIMARY KEY,
    modalities TEXT NOT NULL,  -- JSON [[name, width], ...]
    colors TEXT NOT NULL,      -- JSON {label: colour}
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS examples (
    set_name TEXT NOT NULL REFERENCES label_sets(name) ON DELETE CASCADE,
    label TEXT NOT NULL,
    video TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    segment INTEGER NOT NULL,  -- examples of one segment share it (within one video)
    present TEXT NOT NULL,     -- JSON [bool per modality]
    rows BLOB NOT NULL         -- float32, the modalities' raw features one after another
);
CREATE INDEX IF NOT EXISTS examples_by_set ON examples(set_name);
CREATE TABLE IF NOT EXISTS videos (  -- the user's library: every video vidmeta analysed
    path TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    seen TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class LabelExample:
    label: str
    rows: dict[str, np.ndarray]  # modality -> float32 [width] (zeros where absent)
    present: dict[str, bool]
    video: str  # path of the video it came from
    fingerprint: str
    start: float  # the window, seconds
    end: float
    segment: int  # index of the labelled segment it belongs to, within its video


@dataclass(frozen=True)
class LabelSet:
    name: str
    modalities: tuple[tuple[str, int], ...]
    examples: tuple[LabelExample, ...]
    colors: dict[str, str]  # label -> colour, as the user had them

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({e.label for e in self.examples}))

    @property
    def videos(self) -> tuple[str, ...]:
        return tuple(sorted({e.video for e in self.examples}))

    def raw_rows(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The examples' raw features and presence per modality, [E, width] and [E]."""
        if not self.examples:
            raise LabellingError(None, f"label set {self.name!r} has no examples")
        names = [n for n, _ in self.modalities]
        return ({n: np.stack([e.rows[n] for e in self.examples]) for n in names},
                {n: np.array([e.present[n] for e in self.examples]) for n in names})

    def support_for(self, descriptors: WindowDescriptors) -> Support:
        """The examples as support vectors in ``descriptors``' space (another video's statistics)."""
        if not self.examples:
            raise LabellingError(None, f"label set {self.name!r} has no examples")
        vectors = descriptors.transform(*self.raw_rows())
        keys = sorted({(e.fingerprint, e.segment) for e in self.examples})
        group = {k: i for i, k in enumerate(keys)}
        return Support(
            vectors=vectors,
            labels=tuple(e.label for e in self.examples),
            groups=np.array([group[(e.fingerprint, e.segment)] for e in self.examples], dtype=np.int64),
            negative_vectors=np.zeros((0, vectors.shape[1]), np.float32),
            negative_labels=(),
        )


def examples_for_set(descriptors: WindowDescriptors, examples: Examples, *, video: str | Path,
                     fingerprint: str) -> list[LabelExample]:
    """The user's example windows of one video, as label-set examples."""
    out = []
    for w, label, segment in zip(examples.windows, examples.labels, examples.groups):
        out.append(LabelExample(
            label=label,
            rows={n: descriptors.raw[n][w].astype(np.float32) for n, _ in descriptors.modalities},
            present={n: bool(descriptors.present[w, i]) for i, (n, _) in enumerate(descriptors.modalities)},
            video=str(video), fingerprint=fingerprint,
            start=float(descriptors.grid.starts[w]), end=float(descriptors.grid.ends[w]), segment=int(segment),
        ))
    return out


def label_colors(document: ProjectDocument, labels: tuple[str, ...]) -> dict[str, str]:
    return {name: label.color for name in labels if (label := document.label(name)) is not None}


def _merge_modalities(old: tuple[tuple[str, int], ...], new: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    merged = dict(old)
    for name, width in new:
        if merged.get(name, width) != width:
            raise LabellingError(None, f"the {name} features have {width} values, the label set's have "
                                       f"{merged[name]}: the videos were analysed with other feature settings")
        merged[name] = width
    return tuple(merged.items())


def _pack(example: LabelExample, modalities: tuple[tuple[str, int], ...]) -> tuple[str, bytes]:
    rows = [example.rows.get(n, np.zeros(w, np.float32)).astype(np.float32) for n, w in modalities]
    present = [bool(example.present.get(n, False)) for n, _ in modalities]
    return json.dumps(present), np.concatenate(rows).astype("<f4").tobytes()


def _unpack(present_json: str, blob: bytes, modalities: tuple[tuple[str, int], ...]) -> tuple[dict, dict]:
    flat = np.frombuffer(blob, dtype="<f4")
    flags = json.loads(present_json)
    rows, present, at = {}, {}, 0
    for (name, width), flag in zip(modalities, flags):
        rows[name] = flat[at : at + width].astype(np.float32)
        present[name] = bool(flag)
        at += width
    return rows, present


class LabelSetLibrary:
    """The label sets of this user, in one sqlite3 file (default: the app's data folder)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else app_paths().ensure().data_dir / "library.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connect() as db:
                db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise LabellingError(self.path, f"the label library cannot be opened ({exc})") from exc

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def names(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT name FROM label_sets ORDER BY name")]

    def get(self, name: str) -> LabelSet:
        with self._connect() as db:
            row = db.execute("SELECT modalities, colors FROM label_sets WHERE name = ?", (name,)).fetchone()
            if row is None:
                known = ", ".join(self.names()) or "none yet"
                raise LabellingError(None, f"no label set named {name!r} (label sets: {known})")
            modalities = tuple((str(n), int(w)) for n, w in json.loads(row[0]))
            examples = []
            for label, video, fp, start, end, segment, present, blob in db.execute(
                'SELECT label, video, fingerprint, start, "end", segment, present, rows FROM examples '
                "WHERE set_name = ? ORDER BY rowid", (name,)):
                rows, flags = _unpack(present, blob, modalities)
                examples.append(LabelExample(label, rows, flags, video, fp, start, end, segment))
        return LabelSet(name, modalities, tuple(examples), json.loads(row[1]))

    def save(self, name: str, examples: list[LabelExample], *, modalities: tuple[tuple[str, int], ...],
             colors: dict[str, str], replace_fingerprint: str | None = None) -> LabelSet:
        """Add ``examples`` to the set (creating it); those of ``replace_fingerprint`` are replaced."""
        name = name.strip()
        if not name:
            raise LabellingError(None, "a label set needs a name")
        with self._connect() as db:
            row = db.execute("SELECT modalities, colors FROM label_sets WHERE name = ?", (name,)).fetchone()
            old = () if row is None else tuple((str(n), int(w)) for n, w in json.loads(row[0]))
            merged = _merge_modalities(old, modalities)
            if old and merged != old:
                # A new modality: existing rows are re-packed with zeros (absent) for it.
                current = self.get(name).examples
                db.execute("DELETE FROM examples WHERE set_name = ?", (name,))
                self._insert(db, name, current, merged)
            all_colors = (json.loads(row[1]) if row else {}) | colors
            db.execute("INSERT INTO label_sets(name, modalities, colors, updated) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET modalities = excluded.modalities, colors = excluded.colors, "
                       "updated = excluded.updated",
                       (name, json.dumps(merged), json.dumps(all_colors), datetime.datetime.now().isoformat()))
            if replace_fingerprint is not None:
                db.execute("DELETE FROM examples WHERE set_name = ? AND fingerprint = ?", (name, replace_fingerprint))
            self._insert(db, name, examples, merged)
        return self.get(name)

    @staticmethod
    def _insert(db: sqlite3.Connection, name: str, examples, modalities) -> None:
        db.executemany(
            'INSERT INTO examples(set_name, label, video, fingerprint, start, "end", segment, present, rows) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(name, e.label, e.video, e.fingerprint, e.start, e.end, e.segment, *_pack(e, modalities))
             for e in examples])

    def register_video(self, path: str | Path, fingerprint: str) -> None:
        """Remember a video as part of the library (Find Similar searches these)."""
        with self._connect() as db:
            db.execute("INSERT INTO videos(path, fingerprint, seen) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE "
                       "SET fingerprint = excluded.fingerprint, seen = excluded.seen",
                       (str(Path(path).resolve()), fingerprint, datetime.datetime.now().isoformat()))

    def videos(self) -> list[tuple[Path, str]]:
        """(path, fingerprint) of the library's videos that still exist, most recently seen first."""
        with self._connect() as db:
            rows = db.execute("SELECT path, fingerprint FROM videos ORDER BY seen DESC").fetchall()
        return [(Path(p), fp) for p, fp in rows if Path(p).is_file()]

    def delete(self, name: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM label_sets WHERE name = ?", (name,))

    # Files ----------------------------------------------------------------------------------

    def export(self, name: str, path: str | Path) -> Path:
        label_set = self.get(name)
        data = {
            "format": FILE_FORMAT, "version": FILE_VERSION, "name": label_set.name,
            "modalities": [list(m) for m in label_set.modalities], "colors": label_set.colors,
            "examples": [
                {"label": e.label, "video": e.video, "fingerprint": e.fingerprint, "start": e.start, "end": e.end,
                 "segment": e.segment, "present": [e.present[n] for n, _ in label_set.modalities],
                 "rows": base64.b64encode(_pack(e, label_set.modalities)[1]).decode("ascii")}
                for e in label_set.examples
            ],
        }
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(path)
        return path

    def import_file(self, path: str | Path, *, name: str | None = None) -> LabelSet:
        """Read a shared label set file into the library (replacing a set of the same name)."""
        label_set = read_label_set_file(path)
        name = name or label_set.name
        self.delete(name)
        return self.save(name, list(label_set.examples), modalities=label_set.modalities, colors=label_set.colors)


def read_label_set_file(path: str | Path) -> LabelSet:
    """Parse and check a label set file; any defect is a LabellingError naming the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabellingError(path, "no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabellingError(path, f"not a label set file ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise LabellingError(path, "not a vidmeta label set file")
    if not isinstance(data.get("version"), int) or data["version"] > FILE_VERSION:
        raise LabellingError(path, f"label set file version {data.get('version')!r} is newer than this vidmeta "
                                   f"reads ({FILE_VERSION}); update vidmeta")
    try:
        modalities = tuple((str(n), int(w)) for n, w in data["modalities"])
        width = sum(w for _, w in modalities)
        examples = []
        for i, item in enumerate(data["examples"]):
            blob = base64.b64decode(item["rows"], validate=True)
            if len(blob) != 4 * width or len(item["present"]) != len(modalities):
                raise ValueError(f"example {i} has {len(blob) // 4} values, the modalities need {width}")
            rows, present = _unpack(json.dumps(item["present"]), blob, modalities)
            if not all(np.isfinite(r).all() for r in rows.values()):
                raise ValueError(f"example {i} holds values that are not numbers")
            examples.append(LabelExample(str(item["label"]), rows, present, str(item["video"]),
                                         str(item["fingerprint"]), float(item["start"]), float(item["end"]),
                                         int(item["segment"])))
        colors = {str(k): str(v) for k, v in dict(data.get("colors", {})).items()}
        name = str(data["name"])
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise LabellingError(path, f"damaged label set file ({exc.__class__.__name__}: {exc})") from None
    if not examples:
        raise LabellingError(path, "the label set has no examples")
    return LabelSet(name, modalities, tuple(examples), colors)
