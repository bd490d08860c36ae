"""Chapters and summaries: boundaries near the true changes on a generated video with a known
transcript, summary sentences taken from the transcript in time order, files that players read,
and videos without sound or faces still summarized."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import SHARED_DATA
from tests.summary.conftest import CUTS, SCENE_S, TOPICS
from vidmeta.cli import main as cli_main
from vidmeta.domain import CancelToken, Chapter, Cue, ProjectDocument, Segment, Tier, TierKind
from vidmeta.io.subtitles import import_subtitles
from vidmeta.pipeline.jobs import run_job
from vidmeta.pipeline.summary_jobs import summarize_job
from vidmeta.summary import ChapterOptions, chapter_list, ffmetadata, propose_chapters, webvtt_chapters
from vidmeta.summary.chapters import topic_shifts
from vidmeta.summary.text import sentences_from_cues

ALL_SENTENCES = {text for _, sentences in TOPICS for text in sentences}


@pytest.fixture(scope="module")
def summarized(chaptered_video):
    video, transcript = chaptered_video
    doc = ProjectDocument(cues=tuple(import_subtitles(transcript)))
    return run_job(summarize_job(video, doc, cancel=CancelToken(), chapter_options=ChapterOptions(min_length=5.0)))


def test_chapters_start_at_the_true_scene_changes_with_topic_titles(summarized):
    starts = [c.start for c in summarized.chapters]
    assert len(starts) == 4 and starts[0] == 0.0
    assert all(abs(s - cut) <= 1.0 for s, cut in zip(starts[1:], CUTS)), starts
    assert summarized.chapters[-1].end == pytest.approx(summarized.duration)
    assert [c.title for c in summarized.chapters] == ["Pasta", "Match", "Saturn", "Tomatoes"]


def test_summary_sentences_come_from_the_transcript_in_time_order(summarized):
    sentences = summarized.digest.sentences
    assert 1 <= len(sentences) <= 5
    assert all(s.text in ALL_SENTENCES for s in sentences)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
    assert len({int(s.start // SCENE_S) for s in sentences}) >= 3  # MMR spreads them over the topics
    assert {(x.speaker, round(x.share, 2)) for x in summarized.digest.speakers} == {("Ada", 0.5), ("Ben", 0.5)}


def test_chapters_from_the_transcript_alone_follow_topics_and_speakers():
    cues = [Cue(i * SCENE_S + 0.3 + j * 1.9, i * SCENE_S + 2.0 + j * 1.9, text, speaker=speaker)
            for i, (speaker, sentences) in enumerate(TOPICS) for j, text in enumerate(sentences)]
    chapters = propose_chapters(32.0, cues=cues, options=ChapterOptions(min_length=5.0))
    assert [round(c.start) for c in chapters] == [0, 8, 16, 24], chapters
    shifts = topic_shifts(sentences_from_cues(cues), 2)
    assert {round(c.time) for c in shifts} >= {8, 16, 24}


def test_label_changes_make_chapters_when_nothing_else_does():
    labels = [Segment(0, 20, "interview"), Segment(20, 40, "b-roll"), Segment(40, 60, "interview")]
    chapters = propose_chapters(60.0, segments=labels, options=ChapterOptions(min_length=10.0))
    assert [round(c.start) for c in chapters] == [0, 20, 40]
    assert [c.title for c in chapters] == ["interview", "b-roll", "interview"]


def test_chapter_files():
    chapters = [Chapter(0.0, 65.5, "Intro; the = sign"), Chapter(65.5, 3725.0, "Long part")]
    vtt = webvtt_chapters(chapters)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:01:05.500\nIntro; the = sign\n")
    meta = ffmetadata(chapters)
    assert "START=65500\nEND=3725000\ntitle=Long part" in meta and "title=Intro\\; the \\= sign" in meta
    assert chapter_list(chapters) == "00:00 Intro; the = sign\n01:05 Long part\n"


def test_cli_writes_every_file_and_the_chapters_mux_into_mkv(chaptered_video, tmp_path, capsys):
    video, transcript = chaptered_video
    out = tmp_path / "summary"
    code = cli_main(["summarize", str(video), "--out", str(out), "--subtitles", str(transcript),
                     "--min-chapter", "5", "--mux", str(tmp_path / "with-chapters.mkv")])
    assert code == 0
    for name in ("chapters.vtt", "chapters.ffmetadata", "chapters.txt", "storyboard.png", "summary.md",
                 "summary.html", "frames/chapter-01.jpg"):
        assert (out / name).is_file(), name
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json",
                            str(tmp_path / "with-chapters.mkv")], capture_output=True, text=True, check=True)
    listed = json.loads(probe.stdout)["chapters"]
    assert [round(float(c["start_time"]), 1) for c in listed] == [0.0, 8.0, 16.0, 24.0]
    assert [c["tags"]["title"] for c in listed] == ["Pasta", "Match", "Saturn", "Tomatoes"]
    import cv2

    board = cv2.imread(str(out / "storyboard.png"))
    assert board is not None and board.shape[1] == 4 * 320
    html = (out / "summary.html").read_text()
    assert "<h2>Chapters</h2>" in html and "Boil the pasta" in html or "pasta" in html.lower()
    capsys.readouterr()
    assert cli_main(["summarize", str(tmp_path / "missing.mp4"), "--out", str(out)]) == 2
    assert "missing.mp4" in capsys.readouterr().err


def test_a_video_without_sound_or_faces_still_gets_shots_chapters_and_a_storyboard(tmp_path):
    clip = SHARED_DATA / "scenes" / "testvideo.mp4"
    if not clip.is_file():
        pytest.skip(f"{clip} not found (the shared data folder is not beside the repo)")
    summary = run_job(summarize_job(clip, ProjectDocument(), cancel=CancelToken(),
                                    chapter_options=ChapterOptions(min_length=4.0)))
    assert [round(t, 1) for t in summary.shots] == [1.0, 6.0, 13.1, 23.1]
    assert [round(c.start, 1) for c in summary.chapters] == [0.0, 6.0, 13.1]  # 1.0 and 23.1 are too near the ends
    assert len(summary.frames) == len(summary.chapters) and summary.frames[0].shape[2] == 3
    assert summary.digest.sentences == () and all(c.title.startswith("Chapter") for c in summary.chapters)


def test_the_knapsack_takes_the_best_pieces_that_fit():
    from vidmeta.summary.reel import ReelPiece, choose_pieces

    pieces = [ReelPiece(0, 4, 0.9, "a"), ReelPiece(10, 12, 0.5, "b"), ReelPiece(20, 22, 0.5, "c"),
              ReelPiece(3, 5, 1.0, "overlaps a, better"), ReelPiece(30, 35, 0.2, "d")]
    chosen = choose_pieces(pieces, budget=6.0)
    assert [p.why for p in chosen] == ["overlaps a, better", "b", "c"]  # 6 s, score 2.0 (a+b = 1.4 would fit too)
    assert sum(p.end - p.start for p in chosen) <= 6.0
    assert choose_pieces(pieces, budget=1.0) == []


def test_the_reel_fits_its_budget_and_plays(summarized, chaptered_video, tmp_path):
    from vidmeta.media import probe
    from vidmeta.summary.reel import ReelPiece, cut_reel, keyframe_times

    video, _ = chaptered_video
    budget = 0.2 * summarized.duration
    assert summarized.reel and sum(p.end - p.start for p in summarized.reel) <= budget + 1e-6
    out, how = cut_reel(video, list(summarized.reel), tmp_path / "reel.mp4")
    info = probe(out)
    assert info.video is not None and info.audio is not None and info.duration <= budget + 0.3
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-f", "null", "-"], check=True)  # decodes to the end
    keys = keyframe_times(video)
    on_keys = [ReelPiece(float(k), float(k) + 1.0, 1.0, "") for k in keys[:2]]
    copied, how = cut_reel(video, on_keys, tmp_path / "copy.mp4")
    # a stream copy ends on a packet boundary: up to a few frames (and audio frames) past the outpoint
    assert how == "stream copy" and probe(copied).duration == pytest.approx(2.0, abs=0.5)
