"""Few-shot labelling benchmark: speed of suggestions on a 1-hour video whose features are cached,
and quality on few-shot tasks made from the real clips in ../shared/data.

Speed. The features of a real talking-head clip (../shared/data/talking/face1.mp4) are extracted
once, then tiled to one hour (one face track and one soundtrack running the whole hour, like a
lecture recording) and stored in a fresh feature cache under the fingerprint of a stand-in file.
A first Suggest fills the cache's speaker part; the timed runs are what a user waits for after
that: Suggest Labels (features read from the cache, windows described, scored, smoothed) and a
refresh after an answer. Reference in the same run: reading the cached parts alone (np.load).

Quality. Few-shot episodes over windows of real clips, each task's classes being:
  person   - the four talking-head clips (who is on screen), 5 windows apart at least
  shot     - the three shots of scenes/testvideo.mp4 (which shot is this)
  speech   - the middle of each GRID sentence against pink noise over the frozen face (speech or not)
For each task, N-way K-shot episodes (K = 1, 3, 5), query windows from other parts of the clips,
nearest prototype on the fused raw descriptors (method (a) of the issue), with the descriptors
standardised per clip (as Suggest does within one video) and over all the task's clips (as Apply
Label Set does with the set's examples). Accuracy with a 95% interval over the episodes, chance
level beside it.

    .venv/bin/python tests/benchmarks/bench_fewshot.py [--episodes 300] [--repeats 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))
HOUR = 3600.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Speed ------------------------------------------------------------------------------------------


def _tile_parts(features, copies: int):
    """The clip's tracks repeated ``copies`` times end to end, as (part name, value) pairs."""
    from vidmeta.features import AudioTrack, FaceTrack, LipTrack, VadTrack, VisualTrack

    period = features.media.duration
    offsets = np.arange(copies) * period

    def times(t):
        return np.concatenate([t + o for o in offsets])

    def rep(a):
        return np.concatenate([a] * copies)

    v, a, vad = features.visual, features.audio, features.vad
    parts = {
        "visual": VisualTrack(times(v.times), rep(v.descriptors), None if v.backbone is None else rep(v.backbone),
                              times(v.motion_times), rep(v.motion)),
        "faces": [FaceTrack(f.id, times(f.times), rep(f.boxes), rep(f.detected)) for f in features.faces],
        "lips": [LipTrack(lip.track_id, times(lip.times), rep(lip.dct), rep(lip.motion)) for lip in features.lips],
        "audio": AudioTrack(times(a.times), rep(a.log_mel), rep(a.log_energy), period * copies),
        "vad": VadTrack(times(vad.times), rep(vad.probability), vad.frame),
    }
    return parts


def speed(repeats: int) -> dict:
    from vidmeta.domain import CancelToken, ProjectDocument, Segment, Tier, TierKind
    from vidmeta.features import FeatureCache, FeatureOptions, extract_features
    from vidmeta.features import parts as P
    from vidmeta.features.extract import _to_arrays
    from vidmeta.pipeline.jobs import run_job
    from vidmeta.pipeline.labelling_jobs import refresh_suggestions_job, suggest_labels_job
    from vidmeta.store.fingerprint import fingerprint_file

    clip = SHARED / "talking" / "face1.mp4"
    home = Path(tempfile.mkdtemp(prefix="vidmeta-bench-fewshot-"))
    os.environ["VIDMETA_HOME"] = str(home)
    try:
        options = FeatureOptions()
        source = run_job(extract_features(clip, options=options, cancel=CancelToken(), use_cache=False))
        copies = int(np.ceil(HOUR / source.media.duration))
        stand_in = home / "one-hour.mp4"  # only its fingerprint matters: every part is in the cache
        stand_in.write_bytes(b"vidmeta one-hour benchmark stand-in " + str(copies).encode())
        fingerprint = fingerprint_file(stand_in)
        cache = FeatureCache()
        media = P.MediaSummary(duration=source.media.duration * copies, width=source.media.width,
                               height=source.media.height, has_video=True, has_audio=True,
                               frame_count=source.media.frame_count * copies)
        cache.save(fingerprint=fingerprint, part="media", params={}, arrays={}, meta=P.media_to_meta(media))
        for part, value in _tile_parts(source, copies).items():
            cache.save(fingerprint=fingerprint, part=part, params=options.part_params(part),
                       arrays=_to_arrays(part, value))
        period = source.media.duration
        # The user labelled three segments of two labels early in the hour.
        doc = ProjectDocument(tiers=(Tier("Labels", TierKind.ANNOTATION, (
            Segment(0.5, 2.5, "speaking"), Segment(period + 3.0, period + 5.5, "pause"),
            Segment(2 * period + 0.5, 2 * period + 2.0, "speaking"))),))
        first = time.perf_counter()
        result = run_job(suggest_labels_job(stand_in, doc, cancel=CancelToken()))  # fills the speakers part
        first = time.perf_counter() - first
        suggest_times, refresh_times, load_times = [], [], []
        for _ in range(repeats):
            start = time.perf_counter()
            for entry in cache.entries(fingerprint):
                if entry.suffix == ".npz":
                    with np.load(entry) as z:
                        [z[k] for k in z.files]
            load_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = run_job(suggest_labels_job(stand_in, doc, cancel=CancelToken()))
            suggest_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_job(refresh_suggestions_job(doc, result.descriptors, cancel=CancelToken(), duration=media.duration))
            refresh_times.append(time.perf_counter() - start)
        return {
            "video_seconds": media.duration, "windows": len(result.descriptors), "copies_of_clip": copies,
            "modalities": [list(m) for m in result.descriptors.modalities],
            "suggestions": len(result.tier.segments),
            "first_suggest_s": first, "suggest_median_s": statistics.median(suggest_times),
            "suggest_max_s": max(suggest_times), "refresh_median_s": statistics.median(refresh_times),
            "cache_read_median_s": statistics.median(load_times),
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


# Quality ----------------------------------------------------------------------------------------


def _windows(path: Path):
    from vidmeta.domain import CancelToken
    from vidmeta.features import extract_features
    from vidmeta.pipeline.jobs import run_job

    return run_job(extract_features(path, cancel=CancelToken())).windows


def _described(windows: list, pooled: bool) -> list:
    """Descriptors per clip: each clip standardised alone, or over all the task's clips together."""
    from vidmeta.labelling import window_descriptors
    from vidmeta.labelling.descriptors import modality_rows

    if not pooled:
        return [window_descriptors(w) for w in windows]
    rows = [({n: r for n, r, _ in modality_rows(w)}, {n: p for n, _, p in modality_rows(w)}) for w in windows]
    return [window_descriptors(w, also=[r for j, r in enumerate(rows) if j != i]) for i, w in enumerate(windows)]


def _task_windows(task: str) -> tuple[list[tuple[str, object, np.ndarray]], list, str]:
    """(class name, clip index, window indices) per class, the clips' window features, and what
    the classes are."""
    if task == "person":
        clips = sorted((SHARED / "talking").glob("*.mp4"))
        windows = [_windows(c) for c in clips]
        return ([(c.stem, i, np.arange(len(w))) for i, (c, w) in enumerate(zip(clips, windows))], windows,
                "which talking-head clip (person) a window is from")
    if task == "shot":
        windows = [_windows(SHARED / "scenes" / "testvideo.mp4")]
        centres = windows[0].grid.centres
        bounds = [(1.0, 6.0), (6.0, 13.1), (13.1, 23.0)]  # scenedetect's cuts (tests/test_shots.py)
        return ([(f"shot {i + 1}", 0, np.nonzero((centres > a + 0.5) & (centres < b - 0.5))[0])
                 for i, (a, b) in enumerate(bounds)], windows, "which shot of scenes/testvideo.mp4 a window is in")
    if task == "speech":
        video, spans = _speech_video()
        windows = [_windows(video)]
        centres = windows[0].grid.centres
        # windows centred in a span (a 1 s window centred 0.5 s into the pause hears noise only)
        inside = lambda kind: np.nonzero([any(a <= c <= b for a, b, k in spans if k == kind)  # noqa: E731
                                          for c in centres])[0]
        return ([("speech", 0, inside("speech")), ("no speech", 0, inside("noise"))], windows,
                "speech or no speech: the middle of each GRID sentence against room noise over the frozen face")
    raise ValueError(task)


def _speech_video() -> tuple[Path, list[tuple[float, float, str]]]:
    """The five GRID clips, each followed by 2 s of pink noise over its last frame (frozen).

    Ground truth by construction, not from our voice detector: windows centred 0.9-2.1 s into each
    clip are speech (GRID speakers talk from about 0.5 s to 2.5 s), windows centred 3.5-4.5 s (the
    pause is 3-5 s) are noise.
    """
    import subprocess

    clips = sorted((SHARED / "grid").glob("*.mpg"))
    folder = Path(tempfile.mkdtemp(prefix="vidmeta-bench-speech-"))
    out = folder / "speech-or-noise.mp4"
    inputs, parts, spans, t = [], [], [], 0.0
    for i, clip in enumerate(clips):
        inputs += ["-i", str(clip)]
        parts.append(f"[{i}:v]fps=25,scale=360:288,setsar=1,tpad=stop_mode=clone:stop_duration=2[v{i}];"
                     f"anoisesrc=color=pink:amplitude=0.05:sample_rate=16000:duration=2[n{i}];"
                     f"[{i}:a]aresample=16000,aformat=channel_layouts=mono,apad=whole_dur=3[s{i}];"
                     f"[s{i}][n{i}]concat=n=2:v=0:a=1[a{i}]")
        spans += [(t + 0.9, t + 2.1, "speech"), (t + 3.5, t + 4.5, "noise")]
        t += 5.0
    graph = ";".join(parts) + ";" + "".join(f"[v{i}][a{i}]" for i in range(len(clips))) + \
        f"concat=n={len(clips)}:v=1:a=1[v][a]"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[v]",
                    "-map", "[a]", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out)], check=True)
    return out, spans


def _episode_accuracy(classes, described: list, ways: int, shots: int, queries: int, rng) -> float:
    """Nearest prototype on the fused raw descriptors; support and query from one class's clip are
    in that clip's own descriptor space, so they are brought into the query clip's space first."""
    from vidmeta.labelling.suggest import _squared_distances

    chosen = rng.choice(len(classes), size=ways, replace=False)
    support, query = [], []
    for c in chosen:
        _, clip, windows = classes[c]
        d = described[clip]
        # Support windows and query windows are at least 2 windows apart (1 s), so a query is not a
        # near copy of a support window overlapping it.
        picks = rng.permutation(windows)
        s = picks[:shots]
        rest = [w for w in picks[shots:] if np.min(np.abs(w - s)) >= 2][:queries]
        support.append((d, s))
        query.append((d, np.array(rest)))
    correct = total = 0
    for qi, (dq, qwin) in enumerate(query):
        if len(qwin) == 0:
            continue
        protos = []
        for ds, swin in support:
            if ds is dq:  # the same clip: its own vectors (raw descriptors or a mapping's embeddings)
                protos.append(ds.vectors[swin].astype(np.float64).mean(0))
                continue
            raw = {n: ds.raw[n][swin] for n, _ in ds.modalities}
            present = {n: ds.present[swin, i] for i, (n, _) in enumerate(ds.modalities)}
            protos.append(dq.transform(raw, present).astype(np.float64).mean(0))
        dist = _squared_distances(dq.vectors[qwin].astype(np.float64), np.stack(protos))
        correct += int((dist.argmin(1) == qi).sum())
        total += len(qwin)
    return correct / max(total, 1)


def quality(episodes: int) -> dict:
    out = {}
    for task in ("person", "shot", "speech"):
        classes, windows, meaning = _task_windows(task)
        classes = [c for c in classes if len(c[2]) >= 6]  # 1 support + 5 queries at least
        ways = len(classes)
        row = {"meaning": meaning, "ways": ways, "chance": 1 / ways, "methods": {}}
        for method, pooled in (("raw, each clip standardised alone", False),
                               ("raw, standardised over the task's clips", True)):
            if pooled and len(windows) == 1:
                continue  # one video: the same as alone
            described = _described(windows, pooled)
            rng = np.random.default_rng(20261126)  # the same episodes for every method
            results = {}
            for shots in (1, 3, 5):
                accs = np.array([_episode_accuracy(classes, described, ways, shots, 5, rng) for _ in range(episodes)])
                results[f"{shots}-shot"] = {"accuracy": float(accs.mean()),
                                            "ci95": float(1.96 * accs.std(ddof=1) / np.sqrt(len(accs)))}
            row["methods"][method] = results
            log(f"  {task}, {method}: {results}")
        out[task] = row
    return out


def library_quality(episodes: int, steps: int) -> dict:
    """(b): a mapping meta-trained on the talking-head and GRID clips (shots as pseudo-classes),
    judged on the shot task of testvideo.mp4, which it never saw, against (a) on the same episodes."""
    from vidmeta.domain import CancelToken
    from vidmeta.labelling.library_training import LibraryTrainingOptions, MappingStore, embed_descriptors
    from vidmeta.meta import load_learner
    from vidmeta.pipeline.jobs import run_job
    from vidmeta.pipeline.labelling_jobs import meta_train_library_job

    store = MappingStore(Path(tempfile.mkdtemp(prefix="vidmeta-bench-mappings-")))
    options = LibraryTrainingOptions(block_s=3.0, min_windows=3, steps=steps)
    started = time.perf_counter()
    path = run_job(meta_train_library_job([SHARED / "talking", SHARED / "grid"], cancel=CancelToken(),
                                          options=options, store=store))
    train_s = time.perf_counter() - started
    learner = load_learner(path)
    classes, windows, meaning = _task_windows("shot")
    classes = [c for c in classes if len(c[2]) >= 6]
    raw = _described(windows, pooled=False)
    learned = [embed_descriptors(learner, d) for d in raw]
    out = {"meaning": meaning, "ways": len(classes), "train_seconds": train_s,
           "library": "talking/*.mp4 + grid/*.mpg (pseudo-classes: 3 s blocks of each clip)",
           "steps": steps, "methods": {}}
    anil = _anil_from(learner)
    rng = np.random.default_rng(20261126)
    results = {}
    for shots in (1, 3, 5):
        accs = np.array([_anil_episode_accuracy(anil, classes, raw[0], shots, 5, rng) for _ in range(episodes // 4)])
        results[f"{shots}-shot"] = {"accuracy": float(accs.mean()),
                                    "ci95": float(1.96 * accs.std(ddof=1) / np.sqrt(len(accs)))}
    log(f"  shot task, (c) mapping + ANIL steps: {results}")
    anil_results = results
    for method, described in (("(a) raw descriptors", raw), ("(b) meta-trained mapping", learned)):
        rng = np.random.default_rng(20261126)
        results = {}
        for shots in (1, 3, 5):
            accs = np.array([_episode_accuracy(classes, described, len(classes), shots, 5, rng)
                             for _ in range(episodes)])
            results[f"{shots}-shot"] = {"accuracy": float(accs.mean()),
                                        "ci95": float(1.96 * accs.std(ddof=1) / np.sqrt(len(accs)))}
        out["methods"][method] = results
        log(f"  shot task, {method}: {results}")
    out["methods"]["(c) (b) + 5 ANIL steps on the support (a quarter of the episodes)"] = anil_results
    return out


def _anil_from(protonet):
    """An ANIL learner on the meta-trained mapping: a prototype-initialised head, 5 steps on the support."""
    from vidmeta.meta import LearnerSpec, build_learner

    spec = LearnerSpec(kind="anil", mapping=protonet.spec.mapping, inner_lr=0.1, inner_steps=5, eval_inner_steps=5)
    anil = build_learner(spec)
    anil.mapping.load_state_dict(protonet.mapping.state_dict())
    return anil.eval()


def _anil_episode_accuracy(anil, classes, descriptors, shots: int, queries: int, rng) -> float:
    """(c) on one clip's task: support and query windows drawn as in _episode_accuracy."""
    from vidmeta.meta import MultimodalBatch

    units = descriptors.modality_units()
    names = [n for n, _ in descriptors.modalities]
    spec = [tuple(m) for m in anil.spec.mapping.modalities]

    def batch(windows):
        feats = {n: (units[n][windows] if n in units else np.zeros((len(windows), w), np.float32)) for n, w in spec}
        mask = np.stack([descriptors.present[windows, names.index(n)] if n in names else np.zeros(len(windows), bool)
                         for n, _ in spec], axis=1)
        return MultimodalBatch.from_arrays(feats, mask)

    support, support_y, query, query_y = [], [], [], []
    for label, (_, _, windows) in enumerate(classes):
        picks = rng.permutation(windows)
        s = picks[:shots]
        rest = [w for w in picks[shots:] if np.min(np.abs(w - s)) >= 2][:queries]
        support += list(s)
        support_y += [label] * len(s)
        query += rest
        query_y += [label] * len(rest)
    classifier = anil.adapt(batch(np.array(support)), np.array(support_y))
    predicted = classifier.predict(batch(np.array(query)), open_set=False)
    return float((np.asarray(predicted) == np.array(query_y)).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300, help="meta-training steps for (b)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (SHARED / "talking" / "face1.mp4").is_file():
        print(f"the real clips are not in {SHARED}", file=sys.stderr)
        return 2
    import datetime

    started = time.perf_counter()
    log("speed: 1-hour video with cached features")
    speed_result = speed(args.repeats)
    log(f"  {speed_result}")
    log("quality: few-shot tasks on real clips, raw descriptors + nearest prototype")
    quality_result = quality(args.episodes)
    log("quality: a mapping meta-trained on other clips (b) against raw descriptors (a)")
    quality_result["shot, meta-trained on other clips"] = library_quality(args.episodes, args.steps)
    summary = {"date": datetime.date.today().isoformat(), "command": " ".join(["python"] + sys.argv),
               "cpu_count": os.cpu_count(), "platform": platform.platform(), "load_average": os.getloadavg()[0],
               "wall_seconds": time.perf_counter() - started, "speed": speed_result, "quality": quality_result}
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
