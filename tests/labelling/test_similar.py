"""Find similar: the nearest windows to a segment in its own video and in the library's other
videos; transcript search."""

from __future__ import annotations

from tests.labelling.conftest import SCENE_S
from vidmeta.domain import CancelToken, Cue, ProjectDocument
from vidmeta.features import extract_features
from vidmeta.labelling.label_sets import LabelSetLibrary
from vidmeta.pipeline.jobs import run_job
from vidmeta.pipeline.similar_jobs import find_similar_job, search_transcripts_job
from vidmeta.store import save_project
from vidmeta.store.project_file import default_project_path


def _scene_kind(t: float, first: str) -> str:
    """'a' (talking pattern) or 'b' (fractal) at time t of a make_alternating video."""
    even = int(t // SCENE_S) % 2 == 0
    return first if even else ("b" if first == "a" else "a")


def test_similar_windows_here_and_in_the_library(alternating_video, second_video, tmp_path):
    library = LabelSetLibrary(tmp_path / "library.sqlite3")
    second = run_job(extract_features(second_video, cancel=CancelToken()))
    library.register_video(second_video, second.fingerprint)
    result = run_job(find_similar_job(alternating_video, 3.5, 5.5, cancel=CancelToken(), library=library, limit=3))
    # the query is a fractal scene (3-6 s): the best hits here are the other fractal scenes
    assert len(result.here) == 3 and all(not (h.end > 3.5 and h.start < 5.5) for h in result.here)
    assert [_scene_kind((h.start + h.end) / 2, "a") for h in result.here] == ["b", "b", "b"], result.here
    assert [h.distance for h in result.here] == sorted(h.distance for h in result.here)
    assert result.searched == 1 and result.elsewhere
    assert all(h.video == second_video for h in result.elsewhere)
    assert [_scene_kind((h.start + h.end) / 2, "b") for h in result.elsewhere] == ["b"] * len(result.elsewhere)
    # the query video itself is now part of the library
    assert {p.name for p, _ in library.videos()} == {alternating_video.name, second_video.name}


def test_transcript_search_covers_the_open_video_and_library_projects(alternating_video, second_video, tmp_path):
    library = LabelSetLibrary(tmp_path / "library.sqlite3")
    library.register_video(second_video, "fp-second")
    save_project(ProjectDocument(cues=(Cue(1.0, 2.0, "The Fox jumps again"), Cue(3.0, 4.0, "nothing here"))),
                 default_project_path(second_video))
    here = ProjectDocument(cues=(Cue(0.5, 1.5, "A quick brown fox."), Cue(2.0, 3.0, "Foxes are not fox cubs?"),
                                 Cue(4.0, 5.0, "unrelated", suspect=True)))
    hits = run_job(search_transcripts_job("FOX", here, alternating_video, cancel=CancelToken(), library=library))
    assert [(h.video.name, h.start) for h in hits] == [(alternating_video.name, 0.5), (alternating_video.name, 2.0),
                                                       (second_video.name, 1.0)]
    assert run_job(search_transcripts_job("fox cubs", here, alternating_video, cancel=CancelToken(),
                                          library=library))[0].text == "Foxes are not fox cubs?"
    assert run_job(search_transcripts_job("  ", here, alternating_video, cancel=CancelToken(), library=library)) == []
