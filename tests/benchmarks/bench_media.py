"""Media decoding speed against FFmpeg's own decoder on the same files, measured in one run.

Usage: python tests/benchmarks/bench_media.py [--repeat N] [VIDEO ...]
Default files: ../shared/data/scenes/testvideo.mp4 (when present) and a generated 60 s 720p clip.
Prints a Markdown table; figures are medians over --repeat runs.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from vidmeta.media import load_audio, open_frames, probe  # noqa: E402


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def ffmpeg_null(path: Path) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True)


def decode_all_frames(path: Path) -> int:
    with open_frames(path) as reader:
        return sum(len(pts) for pts, _ in reader.sample(rate=float(reader.frame_rate)))


def decode_sampled(path: Path, rate: float) -> int:
    with open_frames(path) as reader:
        return sum(len(pts) for pts, _ in reader.sample(rate=rate))


def generated_clip(folder: Path) -> Path:
    out = folder / "gen_720p_60s.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=60",
         "-f", "lavfi", "-i", "sine=frequency=220:duration=60", "-c:v", "libx264", "-preset", "veryfast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out)],
        check=True,
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vidmeta-bench-"))
    videos = list(args.videos)
    if not videos:
        real = REPO.parent / "shared" / "data" / "scenes" / "testvideo.mp4"
        if real.exists():
            videos.append(real)
        videos.append(generated_clip(tmp))
    print(f"# media decoding, {time.strftime('%Y-%m-%d')}, {platform.node()}, {platform.processor() or platform.machine()}")
    print("| file | duration s | ffmpeg -f null s | all frames (ours) s | ratio ours/ffmpeg speed "
          "| 5 fps sample s | audio 16 kHz s |")
    print("|---|---|---|---|---|---|---|")
    for video in videos:
        info = probe(video)
        ref = median_time(lambda: ffmpeg_null(video), args.repeat)
        ours = median_time(lambda: decode_all_frames(video), args.repeat)
        sampled = median_time(lambda: decode_sampled(video, 5.0), args.repeat)
        audio = median_time(lambda: load_audio(video), args.repeat) if info.has_audio else float("nan")
        print(f"| {video.name} | {info.duration:.1f} | {ref:.2f} | {ours:.2f} | {ref / ours:.2f}x "
              f"| {sampled:.2f} | {audio:.2f} |")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
