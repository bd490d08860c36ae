"""Meta-training on the user's library: pseudo-classes from shots, a stored mapping that Suggest
then uses, and going back to the previous one."""

from __future__ import annotations

import numpy as np

from tests.labelling.conftest import SCENE_S
from tests.labelling.test_suggest import _document
from vidmeta.cli import main as cli_main
from vidmeta.domain import CancelToken
from vidmeta.features import extract_features
from vidmeta.labelling import window_descriptors
from vidmeta.labelling.library_training import LibraryTrainingOptions, MappingStore, pseudo_classes
from vidmeta.meta import load_learner
from vidmeta.pipeline.jobs import run_job
from vidmeta.pipeline.labelling_jobs import meta_train_library_job, suggest_labels_job


def test_pseudo_classes_are_blocks_of_shots_with_non_overlapping_windows(alternating_video):
    descriptors = window_descriptors(run_job(extract_features(alternating_video, cancel=CancelToken())).windows)
    cuts = [SCENE_S * k for k in range(1, 6)]
    classes = pseudo_classes(descriptors, cuts, LibraryTrainingOptions(block_s=3.5, min_windows=2))
    assert len(classes) == 6  # one per scene
    grid = descriptors.grid
    for k, windows in enumerate(classes):
        assert np.all(grid.starts[windows] >= k * SCENE_S - 1e-6) and np.all(grid.ends[windows] <= (k + 1) * SCENE_S + 1e-6)
        assert np.all(grid.starts[windows][1:] >= grid.ends[windows][:-1] - 1e-6)  # no two overlap


def test_a_trained_mapping_is_used_by_suggest_until_the_user_goes_back(alternating_video, second_video, tmp_path):
    store = MappingStore(tmp_path / "mappings")
    options = LibraryTrainingOptions(block_s=3.5, min_windows=2, steps=30, output_dim=16, hidden=32)
    path = run_job(meta_train_library_job([alternating_video, second_video], cancel=CancelToken(), options=options,
                                          store=store))
    assert store.current() == path and load_learner(path).embedding_dim == 16
    doc = _document((0.5, 2.5, "talking"), (3.5, 5.5, "fractal"))
    learned = run_job(suggest_labels_job(alternating_video, doc, cancel=CancelToken(), mapping_store=store))
    assert learned.descriptors.vectors.shape[1] == 16  # windows compared in the mapping's space
    # a label set's labelled examples join the episodes as classes of their own
    from tests.labelling.test_label_sets import _doc
    from vidmeta.labelling.label_sets import LabelSetLibrary
    from vidmeta.pipeline.labelling_jobs import save_label_set_job

    library = LabelSetLibrary(tmp_path / "library.sqlite3")
    label_set = run_job(save_label_set_job(alternating_video, _doc(), "scenes", cancel=CancelToken(), library=library))
    second = run_job(meta_train_library_job([alternating_video], cancel=CancelToken(), options=options, store=store,
                                            label_sets=[label_set]))
    assert store.current() == second
    from vidmeta.meta import read_checkpoint_config

    assert read_checkpoint_config(second)["extra"]["library"]["label_sets"] == ["scenes"]
    assert store.go_back() == path and store.go_back() is None  # back to the raw descriptors
    raw = run_job(suggest_labels_job(alternating_video, doc, cancel=CancelToken(), mapping_store=store))
    assert raw.descriptors.vectors.shape[1] > 100


def test_cli_meta_train_errors_and_go_back(tmp_path, capsys):
    assert cli_main(["meta-train", str(tmp_path / "nothing-here")]) == 2
    assert "nothing-here: no such file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli_main(["meta-train", str(empty)]) == 2
    assert "no video files" in capsys.readouterr().err
    assert cli_main(["meta-train", "--go-back"]) == 0
    assert "raw window descriptors" in capsys.readouterr().out


def test_label_set_examples_become_classes_of_the_training_set(alternating_video, tmp_path):
    from tests.labelling.test_label_sets import _doc
    from vidmeta.labelling.label_sets import LabelSetLibrary
    from vidmeta.labelling.library_training import common_modalities, label_set_classes, library_batch
    from vidmeta.pipeline.labelling_jobs import save_label_set_job

    library = LabelSetLibrary(tmp_path / "library.sqlite3")
    label_set = run_job(save_label_set_job(alternating_video, _doc(), "scenes", cancel=CancelToken(), library=library))
    descriptors = window_descriptors(run_job(extract_features(alternating_video, cancel=CancelToken())).windows)
    items = [(descriptors, pseudo_classes(descriptors, [SCENE_S * k for k in range(1, 6)],
                                          LibraryTrainingOptions(block_s=3.5, min_windows=2)))]
    modalities = common_modalities([descriptors])
    alone = library_batch(items, modalities)
    both = library_batch(items, modalities, [label_set_classes(label_set)])
    assert len(np.unique(both.labels)) == len(np.unique(alone.labels)) + 2  # talking, fractal
    assert len(both.labels) == len(alone.labels) + len(label_set.examples)
