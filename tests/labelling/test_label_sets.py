"""Label sets: saved from one video's labels, applied to another video, kept in the library across
restarts, shared as files; damaged files are refused with a clear error."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.labelling.conftest import SCENE_S
from vidmeta.cli import main as cli_main
from vidmeta.domain import CancelToken, Label, LabellingError, ProjectDocument, Segment, Tier, TierKind
from vidmeta.labelling.label_sets import LabelSetLibrary, read_label_set_file
from vidmeta.pipeline.jobs import run_job
from vidmeta.pipeline.labelling_jobs import apply_label_set_job, save_label_set_job
from vidmeta.store import save_project
from vidmeta.store.project_file import default_project_path

EXAMPLES = ((0.5, 2.5, "talking"), (3.5, 5.5, "fractal"))


def _doc() -> ProjectDocument:
    return ProjectDocument(
        tiers=(Tier("Labels", TierKind.ANNOTATION, tuple(Segment(a, b, label) for a, b, label in EXAMPLES)),),
        labels=(Label("talking", "#e6194b", 1), Label("fractal", "#4363d8", 2)),
    )


@pytest.fixture(scope="module")
def saved_set(alternating_video, tmp_path_factory):
    library = LabelSetLibrary(tmp_path_factory.mktemp("library") / "library.sqlite3")
    label_set = run_job(save_label_set_job(alternating_video, _doc(), "scenes", cancel=CancelToken(), library=library))
    return library, label_set


def _seconds(segments, label, start, end):
    return sum(max(0.0, min(s.end, end) - max(s.start, start)) for s in segments if s.label == label)


def test_a_set_saved_from_one_video_labels_another(saved_set, second_video):
    library, label_set = saved_set
    assert label_set.labels == ("fractal", "talking") and label_set.colors["talking"] == "#e6194b"
    assert {e.label for e in label_set.examples} == {"fractal", "talking"} and len(label_set.examples) >= 6
    result = run_job(apply_label_set_job(second_video, library.get("scenes"), cancel=CancelToken()))
    segments = result.tier.segments
    # B A B A, footage never labelled. The voice of an A scene stops before the scene does, and its
    # silent tail is left unknown (no example was silent), so A scenes are only partly labelled.
    for k in range(4):
        right, wrong = ("fractal", "talking") if k % 2 == 0 else ("talking", "fractal")
        start, end = k * SCENE_S, (k + 1) * SCENE_S
        assert _seconds(segments, right, start, end) >= 0.45 * SCENE_S, (k, segments)
        assert _seconds(segments, wrong, start, end) <= 0.3, (k, segments)
    assert sum(s.end - s.start for s in segments) >= 0.6 * 4 * SCENE_S


def test_sets_survive_a_restart_and_resaving_a_video_replaces_its_examples(saved_set, alternating_video):
    library, label_set = saved_set
    reopened = LabelSetLibrary(library.path)
    assert reopened.names() == ["scenes"]
    again = reopened.get("scenes")
    assert len(again.examples) == len(label_set.examples)
    for a, b in zip(again.examples, label_set.examples):
        assert a.label == b.label and a.start == b.start
        for name, rows in a.rows.items():
            np.testing.assert_array_equal(rows, b.rows[name])
    resaved = run_job(save_label_set_job(alternating_video, _doc(), "scenes", cancel=CancelToken(), library=reopened))
    assert len(resaved.examples) == len(label_set.examples)  # replaced, not doubled


def test_export_import_round_trip_into_another_library(saved_set, tmp_path):
    library, label_set = saved_set
    shared = library.export("scenes", tmp_path / "scenes.vidmeta-labels.json")
    other = LabelSetLibrary(tmp_path / "other.sqlite3")
    imported = other.import_file(shared, name="from a colleague")
    assert other.names() == ["from a colleague"] and imported.labels == label_set.labels
    for a, b in zip(imported.examples, label_set.examples):
        assert (a.label, a.video, a.fingerprint, a.segment) == (b.label, b.video, b.fingerprint, b.segment)
        for name in a.rows:
            np.testing.assert_array_equal(a.rows[name], b.rows[name])
            assert a.present[name] == b.present[name]


@pytest.mark.parametrize("damage", ["truncated", "not json", "other format", "newer", "short rows", "bad base64",
                                    "nan", "no examples"])
def test_a_damaged_set_file_is_refused_clearly_and_changes_nothing(saved_set, tmp_path, damage):
    library, _ = saved_set
    good = library.export("scenes", tmp_path / "good.json")
    text = good.read_text()
    data = json.loads(text)
    if damage == "truncated":
        broken = text[: len(text) // 2]
    elif damage == "not json":
        broken = "\x00\x01 binary"
    else:
        if damage == "other format":
            data["format"] = "something-else"
        elif damage == "newer":
            data["version"] = 99
        elif damage == "short rows":
            data["examples"][0]["rows"] = data["examples"][0]["rows"][:40]
        elif damage == "bad base64":
            data["examples"][0]["rows"] = "%%%not base64%%%"
        elif damage == "nan":
            import base64
            data["examples"][0]["rows"] = base64.b64encode(
                np.full(sum(w for _, w in data["modalities"]), np.nan, "<f4").tobytes()).decode()
        elif damage == "no examples":
            data["examples"] = []
        broken = json.dumps(data)
    bad = tmp_path / "bad.vidmeta-labels.json"
    bad.write_text(broken)
    target = LabelSetLibrary(tmp_path / "target.sqlite3")
    with pytest.raises(LabellingError) as err:
        target.import_file(bad)
    assert str(bad) in err.value.user_message()
    assert target.names() == []
    with pytest.raises(LabellingError):
        read_label_set_file(bad)


def test_cli_save_label_and_share(alternating_video, second_video, tmp_path, capsys):
    save_project(_doc(), default_project_path(alternating_video))
    assert cli_main(["label-set", "save", str(alternating_video), "--name", "scenes"]) == 0
    assert "label set 'scenes'" in capsys.readouterr().out
    out = tmp_path / "segments.csv"
    assert cli_main(["label", str(second_video), "--label-set", "scenes", "--out", str(out)]) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("tier,tier_kind,start,end,label") and len(rows) >= 3
    assert {r.split(",")[4] for r in rows[1:]} == {"talking", "fractal"}
    assert "segment(s) labelled with 'scenes'" in capsys.readouterr().out
    assert cli_main(["label-set", "list"]) == 0
    assert capsys.readouterr().out.startswith("scenes\tfractal, talking")
    shared = tmp_path / "scenes.json"
    assert cli_main(["label-set", "export", "scenes", str(shared)]) == 0
    assert cli_main(["label-set", "import", str(shared), "--name", "copy"]) == 0
    capsys.readouterr()

    bad = tmp_path / "broken.json"
    bad.write_text("{")
    assert cli_main(["label-set", "import", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "Traceback" not in err[0]
    assert cli_main(["label", str(second_video), "--label-set", "nope"]) == 2
    assert "no label set named 'nope'" in capsys.readouterr().err
    assert cli_main(["label", str(tmp_path / "missing.mp4"), "--label-set", "scenes"]) == 2
