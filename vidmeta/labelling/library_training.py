"""Meta-training the window mapping on the user's own library, and the store of trained mappings.

Episodes come from the user's videos without any labelling: every shot (cut into blocks of at most
``block_s`` seconds) is a pseudo-class, and its windows are the examples, taken every other window
so that support and query windows never overlap. Label sets add supervised classes (their labels).
The mapping is a per-modality fusion network (vidmeta.meta feature-level fusion) over the
standardised modality vectors of the windows, trained as a prototypical network. Trained mappings
are kept in the data folder with a history; Suggest uses the current one, and the user can go
back to the previous one.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.config.paths import app_paths
from vidmeta.domain import CancelToken, LabellingError, Progress
from vidmeta.labelling.descriptors import WindowDescriptors

MODALITY_ORDER = ("visual", "audio", "lips", "speech")


@dataclass(frozen=True)
class LibraryTrainingOptions:
    block_s: float = 5.0  # longest pseudo-class: a longer shot becomes several
    min_windows: int = 3  # a pseudo-class needs this many (non-overlapping) windows: 3 s of footage
    ways: int = 8
    shots: int = 2
    queries: int = 2
    steps: int = 300
    learning_rate: float = 1e-3
    hidden: int = 256
    feature_noise: float = 0.05  # augmentation: noise on the unit-length modality vectors
    modality_dropout: float = 0.2  # augmentation: chance to hide a modality (teaches the mapping to do without)
    output_dim: int = 64
    seed: int = 0


def pseudo_classes(descriptors: WindowDescriptors, shots: list[float], options: LibraryTrainingOptions) -> list[np.ndarray]:
    """Window indices of each pseudo-class: shots split into blocks, every other window kept."""
    grid = descriptors.grid
    end = float(grid.ends[-1])
    bounds = [0.0, *sorted(t for t in shots if 0 < t < end), end]
    classes = []
    centres = grid.centres
    for a, b in zip(bounds, bounds[1:]):
        pieces = max(1, int(np.ceil((b - a) / options.block_s)))
        edges = np.linspace(a, b, pieces + 1)
        for lo, hi in zip(edges, edges[1:]):
            # windows wholly inside the block (not straddling a cut), every other one
            inside = np.nonzero((grid.starts >= lo - 1e-6) & (grid.ends <= hi + 1e-6)
                                & descriptors.present.any(1))[0][::2]
            if len(inside) >= options.min_windows:
                classes.append(inside)
    return classes


@dataclass(frozen=True)
class SupervisedClasses:
    """Labelled examples (a label set's): per-modality unit vectors, presence and a class per row."""

    units: dict[str, np.ndarray]  # modality -> [E, width]
    present: dict[str, np.ndarray]  # modality -> bool [E]
    classes: np.ndarray  # int [E], 0.. within this group


def label_set_classes(label_set) -> SupervisedClasses:
    """A label set's examples standardised over themselves (they may come from several videos)."""
    from vidmeta.labelling.descriptors import _fuse, _stats

    raw, present = label_set.raw_rows()
    units = {n: _fuse([(n, raw[n], np.asarray(present[n], bool))], {n: _stats(raw[n], np.asarray(present[n], bool))})
             for n in raw}
    names = sorted(set(label_set.labels))
    classes = np.array([names.index(e.label) for e in label_set.examples])
    return SupervisedClasses(units, {n: np.asarray(p, bool) for n, p in present.items()}, classes)


def library_batch(items: list[tuple[WindowDescriptors, list[np.ndarray]]],
                  modalities: tuple[tuple[str, int], ...], supervised: list[SupervisedClasses] = ()):
    """All pseudo-classes of all videos, and the labelled classes, as one labelled multimodal dataset."""
    from vidmeta.meta import ArrayDataset, MultimodalBatch

    features = {name: [] for name, _ in modalities}
    masks, labels = [], []
    label = 0
    for descriptors, classes in items:
        units = descriptors.modality_units()
        names = [n for n, _ in descriptors.modalities]
        for windows in classes:
            for name, width in modalities:
                if name in units:
                    features[name].append(units[name][windows])
                else:
                    features[name].append(np.zeros((len(windows), width), np.float32))
            masks.append(np.stack([descriptors.present[windows, names.index(n)] if n in names
                                   else np.zeros(len(windows), bool) for n, _ in modalities], axis=1))
            labels.append(np.full(len(windows), label))
            label += 1
    for group in supervised:
        rows = len(group.classes)
        for name, width in modalities:
            unit = group.units.get(name)
            features[name].append(unit if unit is not None and unit.shape[1] == width else np.zeros((rows, width), np.float32))
        masks.append(np.stack([group.present.get(n, np.zeros(rows, bool)) for n, _ in modalities], axis=1))
        labels.append(group.classes + label)
        label += int(group.classes.max()) + 1
    if label < 2:
        raise LabellingError(None, "meta-training needs videos with at least two shots (or 10 s of footage) between them")
    batch = MultimodalBatch.from_arrays({n: np.concatenate(v) for n, v in features.items()}, np.concatenate(masks))
    return ArrayDataset(batch, np.concatenate(labels))


def common_modalities(all_descriptors: list[WindowDescriptors]) -> tuple[tuple[str, int], ...]:
    """Every modality any video has, in a fixed order (widths must agree)."""
    widths: dict[str, int] = {}
    for d in all_descriptors:
        for name, width in d.modalities:
            if widths.setdefault(name, width) != width:
                raise LabellingError(None, f"the videos were analysed with different {name} feature settings")
    return tuple((n, widths[n]) for n in MODALITY_ORDER if n in widths)


def train_library_mapping(
    items: list[tuple[WindowDescriptors, list[np.ndarray]]],
    *,
    options: LibraryTrainingOptions = LibraryTrainingOptions(),
    cancel: CancelToken | None = None,
    supervised: list[SupervisedClasses] = (),
) -> Generator[Progress, None, object]:
    """Job: a ProtoNet over a feature-fusion mapping, trained on the pseudo-classes (and the labelled
    classes of ``supervised``); returns the learner."""
    import torch

    from vidmeta.meta import ImageAugmentation, LearnerSpec, MappingSpec, TrainOptions, build_learner, split_classes, train_job

    modalities = common_modalities([d for d, _ in items])
    dataset = library_batch(items, modalities, supervised)
    classes = len(np.unique(dataset.labels))
    torch.manual_seed(options.seed)
    spec = LearnerSpec(kind="protonet", mapping=MappingSpec(kind="feature_fusion", modalities=modalities,
                                                            hidden_dims=(options.hidden,), output_dim=options.output_dim))
    learner = build_learner(spec)
    validation = None
    if classes >= 10:
        dataset, validation = split_classes(dataset, fraction=0.2, seed=options.seed)
    def eligible(labels: np.ndarray, need: int) -> int:
        """Classes with enough examples for one support and query draw."""
        return int((np.unique(labels, return_counts=True)[1] >= need).sum())

    shots = max(1, min(options.shots, int(np.unique(dataset.labels, return_counts=True)[1].max()) - 1))
    queries = max(1, options.queries)
    ways = min(options.ways, eligible(dataset.labels, shots + queries))
    if ways < 2:
        shots, queries = 1, 1
        ways = min(options.ways, eligible(dataset.labels, 2))
    if ways < 2:
        raise LabellingError(None, "meta-training needs at least two shots of a few seconds in the videos")
    validation_ways = min(5, eligible(validation.labels, 2)) if validation is not None else 0
    if validation_ways < 2:
        validation = None
    train_options = TrainOptions(
        augment=ImageAugmentation(feature_noise=options.feature_noise, modality_dropout=options.modality_dropout),
        ways=ways, shots=shots, queries=queries, max_steps=options.steps,
        learning_rate=options.learning_rate, seed=options.seed, validate_every=max(25, options.steps // 6),
        validation_episodes=50, validation_ways=max(2, validation_ways), validation_shots=1, validation_queries=1,
        validate_at_start=validation is not None,
    )
    result = yield from train_job(learner, dataset, options=train_options, validation=validation, cancel=cancel)
    return result.learner


def embed_descriptors(learner, descriptors: WindowDescriptors) -> WindowDescriptors:
    """The windows described by a trained mapping (unit-length embeddings), for Suggest."""
    import torch

    from vidmeta.meta import MultimodalBatch

    spec_modalities = tuple(tuple(m) for m in learner.spec.mapping.modalities)
    units = descriptors.modality_units()
    names = [n for n, _ in descriptors.modalities]
    features, mask = {}, []
    for name, width in spec_modalities:
        if name in units and units[name].shape[1] == width:
            features[name] = units[name]
            mask.append(descriptors.present[:, names.index(name)])
        else:
            features[name] = np.zeros((len(descriptors), width), np.float32)
            mask.append(np.zeros(len(descriptors), bool))
    mask = np.stack(mask, axis=1)
    usable = mask.any(1)
    vectors = np.zeros((len(descriptors), learner.embedding_dim), np.float32)
    if usable.any():
        batch = MultimodalBatch.from_arrays({n: f[usable] for n, f in features.items()}, mask[usable])
        learner.eval()
        with torch.no_grad():
            z = learner.embed(batch.to(learner.device)).float().cpu().numpy()
        vectors[usable] = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-6)
    return descriptors.with_vectors(vectors)


class MappingStore:
    """Trained library mappings in the data folder; ``current.json`` names the one in use and keeps
    the earlier ones, so the user can go back."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else app_paths().ensure().data_dir / "mappings"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._index = self.folder / "current.json"

    def _read(self) -> dict:
        if not self._index.is_file():
            return {"current": None, "history": []}
        try:
            data = json.loads(self._index.read_text())
            return {"current": data.get("current"), "history": list(data.get("history", []))}
        except (OSError, json.JSONDecodeError) as exc:
            raise LabellingError(self._index, f"the list of trained mappings is damaged ({exc})") from None

    def _write(self, data: dict) -> None:
        tmp = self._index.with_name(self._index.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.replace(self._index)

    def current(self) -> Path | None:
        name = self._read()["current"]
        return None if name is None or not (self.folder / name).is_file() else self.folder / name

    def add(self, learner, *, info: dict) -> Path:
        from vidmeta.meta import save_learner

        name = f"mapping-{datetime.datetime.now():%Y%m%d-%H%M%S-%f}.safetensors"
        path = save_learner(learner, self.folder / name, extra={"library": info})
        data = self._read()
        if data["current"] is not None:
            data["history"].append(data["current"])
        data["current"] = name
        self._write(data)
        return path

    def go_back(self) -> Path | None:
        """Use the previous mapping again (None: back to no learned mapping, the raw descriptors)."""
        data = self._read()
        data["current"] = data["history"].pop() if data["history"] else None
        self._write(data)
        return self.current()
