"""Feature extraction speed against FFmpeg's own decode, measured side by side in one run.

For each clip: `ffmpeg -i X -f null -` (decode only) and a cold feature extraction (visual +
faces + lips + audio + VAD + speakers, cache bypassed) alternate `--repeats` times; the speed
ratio is median(ffmpeg time) / median(extraction time), so >= 0.5 means extraction runs at least
half as fast as a bare decode. Then a cache hit (a second extraction with the cache) is timed
against the cold run, and the peak resident memory of the process is reported.

Clips: ../shared/data/scenes/testvideo.mp4 (720p, 24 s, no faces) and a generated 60 s 720p
clip made of the real talking-head clips (faces on every frame, so lips run on every frame).

    .venv/bin/python tests/benchmarks/bench_features.py [--repeats 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))


def ffmpeg_null(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True)
    return time.perf_counter() - start


def make_talking_720p(out: Path, seconds: float = 60.0) -> Path:
    """60 s of 1280x720 30 fps h264 + AAC from the real talking clips, each centred on a dark
    background, one after another, looped until `seconds`."""
    clips = sorted((SHARED / "talking").glob("*.mp4"))
    if not clips:
        raise SystemExit(f"no talking clips under {SHARED / 'talking'}")
    inputs, filters = [], []
    for i, clip in enumerate(clips):
        inputs += ["-i", str(clip)]
        filters.append(f"[{i}:v]scale=-2:720,pad=1280:720:(ow-iw)/2:0,fps=30,setsar=1,format=yuv420p[v{i}];"
                       f"[{i}:a]aresample=44100,aformat=channel_layouts=stereo[a{i}]")
    concat = "".join(f"[v{i}][a{i}]" for i in range(len(clips))) + f"concat=n={len(clips)}:v=1:a=1[v][a]"
    once = out.with_name("talking_once.mp4")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex", ";".join(filters) + ";" + concat,
                    "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                    "-c:a", "aac", str(once)], check=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(once), "-t", str(seconds),
                    "-c", "copy", str(out)], check=True)
    return out


def bench_clip(path: Path, repeats: int) -> dict:
    from vidmeta.features import extract_features
    from vidmeta.pipeline import run_job

    ff, cold = [], []
    result = None
    for _ in range(repeats):
        ff.append(ffmpeg_null(path))
        start = time.perf_counter()
        result = run_job(extract_features(path, use_cache=False))
        cold.append(time.perf_counter() - start)
    run_job(extract_features(path))  # fills the cache
    hits = []
    for _ in range(repeats):
        start = time.perf_counter()
        hit = run_job(extract_features(path))
        hits.append(time.perf_counter() - start)
        assert "lips" in hit.cached_parts or not hit.media.has_video
    med_ff, med_cold, med_hit = statistics.median(ff), statistics.median(cold), statistics.median(hits)
    tracemalloc.start()  # a separate, untimed run: tracing slows Python down
    run_job(extract_features(path, use_cache=False))
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "clip": str(path),
        "duration_s": result.media.duration,
        "frames": len(result.visual.motion_times) if result.visual is not None else 0,
        "face_tracks": len(result.faces),
        "ffmpeg_null_s": [round(x, 3) for x in ff],
        "extract_cold_s": [round(x, 3) for x in cold],
        "cache_hit_s": [round(x, 4) for x in hits],
        "speed_vs_ffmpeg": round(med_ff / med_cold, 3),
        "cache_hit_fraction": round(med_hit / med_cold, 4),
        "data_peak_mib": round(traced_peak / 2**20, 1),  # Python/numpy allocations of one extraction
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is required (apt install ffmpeg)")
    work = Path(tempfile.mkdtemp(prefix="vidmeta-bench-"))
    os.environ["VIDMETA_HOME"] = str(work / "home")  # an empty feature cache, not the user's
    try:
        clips = [SHARED / "scenes" / "testvideo.mp4", make_talking_720p(work / "talking_720p_60s.mp4")]
        from vidmeta.features import extract_features
        from vidmeta.pipeline import run_job

        run_job(extract_features(clips[0], use_cache=False))  # imports and model loading, not measured
        rows = [bench_clip(clip, args.repeats) for clip in clips]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU",
        "command": "make bench (.venv/bin/python tests/benchmarks/bench_features.py)",
        # whole process: torch, OpenCV, FFmpeg libraries and the silero model included
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "clips": rows,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    ok = all(r["speed_vs_ffmpeg"] >= 0.5 and r["cache_hit_fraction"] < 0.05 for r in rows)
    print("targets (speed >= 0.5x ffmpeg, cache hit < 5% of cold):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
