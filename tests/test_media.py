"""The media layer on generated files and on every real clip in ../shared/data."""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest

from tests.conftest import ffmpeg, shared_clips
from vidmeta.domain import MediaError
from vidmeta.media import load_audio, open_frames, probe, thumbnail, waveform_peaks

BACKENDS = ["torchcodec", "opencv"]


def ffprobe_duration(path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", str(path)],
        capture_output=True, check=True,
    )
    return float(json.loads(out.stdout)["format"]["duration"])


def test_counter_clip_probe(shared_data):
    info = probe(shared_data / "scenes" / "counter.mp4")
    assert info.video is not None and info.audio is None
    assert info.video.frame_count == 30
    assert info.video.frame_rate == Fraction(10)
    assert info.duration == pytest.approx(3.0, abs=1e-6)
    assert not info.video.variable_frame_rate


@pytest.mark.parametrize("backend", BACKENDS)
def test_counter_frame_by_time_matches_frame_by_index(shared_data, backend):
    # counter.mp4: frame n (1-based) shows n and has PTS (n-1)/10 s, so 1.4 s is frame 15 = index 14.
    with open_frames(shared_data / "scenes" / "counter.mp4", backend=backend) as reader:
        assert reader.backend == backend
        pts, by_time = reader.frame_at(1.4)
        assert pts == pytest.approx(1.4, abs=1e-6)
        pts_index, by_index = reader.frame_by_index(14)
        assert pts_index == pytest.approx(1.4, abs=1e-6)
        assert np.array_equal(by_time, by_index)
        for neighbour in (13, 15):
            _, other = reader.frame_by_index(neighbour)
            changed = np.abs(other.astype(int) - by_time.astype(int)).max(axis=2) > 40
            assert changed.sum() > 1000  # the printed number differs, the background does not


@pytest.mark.parametrize("backend", BACKENDS)
def test_frame_at_holds_until_next_pts(numbered_video, backend):
    with open_frames(numbered_video, backend=backend) as reader:
        # 25 fps: frame 10 is on screen from 0.40 s until just before 0.44 s
        assert reader.frame_at(0.40)[0] == pytest.approx(0.40, abs=1e-6)
        assert reader.frame_at(0.4399)[0] == pytest.approx(0.40, abs=1e-6)
        assert reader.frame_at(0.44)[0] == pytest.approx(0.44, abs=1e-6)
        assert reader.frame_at(-5)[0] == pytest.approx(0.0, abs=1e-6)
        assert reader.frame_at(99)[0] == pytest.approx(1.96, abs=1e-6)


def test_backends_agree(numbered_video):
    with open_frames(numbered_video, backend="torchcodec") as a, open_frames(numbered_video, backend="opencv") as b:
        for t in (0.0, 0.5, 1.23, 1.99):
            (pa, fa), (pb, fb) = a.frame_at(t), b.frame_at(t)
            assert pa == pytest.approx(pb, abs=1e-6)
            assert fa.shape == fb.shape == (120, 160, 3)
            assert np.abs(fa.astype(int) - fb.astype(int)).mean() < 3  # colour conversion rounding


@pytest.mark.parametrize("clip", shared_clips(), ids=lambda p: p.name)
def test_real_clip_probes_and_decodes(clip):
    info = probe(clip)
    assert info.video is not None
    assert info.duration == pytest.approx(ffprobe_duration(clip), abs=1e-3)
    frame_span = 1.0 / float(info.video.frame_rate)
    with open_frames(clip) as reader:
        pts = np.concatenate([p for p, _ in reader.sample(rate=float(info.video.frame_rate))])
        _, first = reader.frame_at(0.0)
        assert first.shape == (info.video.height, info.video.width, 3) and first.dtype == np.uint8
        assert np.all(np.diff(pts) >= 0)
        # The decoder's own extent (from the packets it read) agrees with ffprobe within one frame,
        # and the last decoded frame starts inside it.
        assert reader.duration == pytest.approx(ffprobe_duration(clip), abs=frame_span)
        assert reader.duration - 2 * frame_span < pts[-1] < reader.duration
    if info.audio is not None:
        audio = load_audio(clip, sample_rate=16000)
        assert audio.dtype == np.float32 and audio.ndim == 1
        assert len(audio) / 16000 == pytest.approx(info.audio.duration, abs=frame_span)
        assert 0.01 < np.abs(audio).max() <= 1.0


def test_mpeg_program_stream_uses_opencv_with_correct_times(shared_data):
    # torchcodec 0.13 mis-indexes these .mpg files; the reader must notice and fall back.
    with open_frames(shared_data / "grid" / "bbaf2n.mpg") as reader:
        assert reader.backend == "opencv"
        times = [p for batch, _ in reader.sample(rate=25) for p in batch]
        assert len(times) == 75
        assert times[:3] == pytest.approx([0.0, 0.04, 0.08], abs=1e-6)


def test_audio_only_file(audio_only):
    info = probe(audio_only)
    assert info.video is None and info.audio is not None
    assert info.audio.sample_rate == 22050
    audio = load_audio(audio_only, sample_rate=16000)
    assert len(audio) / 16000 == pytest.approx(1.5, abs=0.06)
    with pytest.raises(MediaError, match="no video stream"):
        open_frames(audio_only)


def test_video_only_file(video_only):
    info = probe(video_only)
    assert info.audio is None and info.video is not None
    with pytest.raises(MediaError, match="no audio stream"):
        load_audio(video_only)
    with open_frames(video_only) as reader:
        assert reader.frame_at(0.5)[0] == pytest.approx(0.5)


def test_audio_resampled_mono_and_in_range(numbered_video):
    audio = load_audio(numbered_video, sample_rate=8000)
    assert len(audio) / 8000 == pytest.approx(2.0, abs=0.05)
    spectrum = np.abs(np.fft.rfft(audio[1000:9000]))
    peak_hz = np.argmax(spectrum) * 8000 / 8000
    assert peak_hz == pytest.approx(440, abs=2)


def test_audio_range(numbered_video):
    part = load_audio(numbered_video, sample_rate=16000, start=0.5, end=1.0)
    assert len(part) == pytest.approx(8000, abs=400)


def test_rotation_applied(numbered_video, media_dir):
    rotated = media_dir / "rotated.mp4"
    ffmpeg("-i", str(numbered_video), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated))
    info = probe(rotated)
    assert info.video.rotation in (90, 270)
    assert (info.video.width, info.video.height) == (120, 160)
    for backend in BACKENDS:
        with open_frames(rotated, backend=backend) as reader:
            assert reader.frame_at(0.2)[1].shape == (160, 120, 3)


def test_variable_frame_rate_flagged(media_dir):
    vfr = media_dir / "vfr.mp4"
    # First second at 25 fps, then 5 fps: timestamps are what they are, not index / fps.
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=25:duration=2",
           "-vf", "select='lt(t,1)+not(mod(n,5))'", "-fps_mode", "vfr", "-c:v", "libx264", str(vfr))
    info = probe(vfr)
    assert info.video.variable_frame_rate
    with open_frames(vfr) as reader:
        assert reader.frame_at(1.5)[0] == pytest.approx(1.4, abs=1e-3)
        assert reader.frame_at(0.5)[0] == pytest.approx(0.48, abs=1e-3)


def test_unicode_path_with_spaces(numbered_video, tmp_path):
    odd = tmp_path / "dossier été" / "vidéo à l'été — 日本.mp4"
    odd.parent.mkdir()
    shutil.copy(numbered_video, odd)
    assert probe(odd).video.frame_count == 50
    with open_frames(odd) as reader:
        assert reader.frame_at(1.0)[0] == pytest.approx(1.0)
    assert len(load_audio(odd)) > 0


def test_waveform_peaks_of_known_signal():
    sr = 8000
    t = np.arange(sr * 2) / sr
    signal = (0.5 * np.sin(2 * np.pi * 100 * t)).astype(np.float32)
    signal[sr:] *= 0.1  # second half quieter
    peaks = waveform_peaks(signal, sample_rate=sr, buckets_per_second=10)
    assert len(peaks) == 20 and peaks.seconds_per_bucket == pytest.approx(0.1)
    assert peaks.maxima[:10] == pytest.approx(0.5, abs=0.01)
    assert peaks.minima[:10] == pytest.approx(-0.5, abs=0.01)
    assert peaks.maxima[10:] == pytest.approx(0.05, abs=0.01)
    assert len(waveform_peaks(signal[:805], sample_rate=sr, buckets_per_second=10)) == 2


def test_thumbnail_keeps_aspect(numbered_video):
    with open_frames(numbered_video) as reader:
        pts, small = thumbnail(reader, 1.0, width=80)
    assert small.shape == (60, 80, 3) and pts == pytest.approx(1.0)


def _written(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda d: d / "missing.mp4", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _written(d / "empty.mp4", b""), "empty file"),
        (lambda d: _written(d / "text.mp4", b"not a video\n" * 50), "not a media file"),
    ],
    ids=["missing", "directory", "zero-byte", "text-as-mp4"],
)
def test_bad_inputs_raise_media_error(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(MediaError, match=reason) as info:
        probe(path)
    assert str(path) in str(info.value)
