"""One decode pass at a working resolution with real PTS."""

from __future__ import annotations

import numpy as np
import pytest

from vidmeta.domain import CancelToken, Cancelled, MediaError
from vidmeta.features.frame_stream import FrameStream, working_geometry
from vidmeta.media import open_frames


def test_working_geometry_downscales_to_even_sizes_and_never_upscales():
    g = working_geometry(1280, 720, max_height=270)
    assert (g.width, g.height) == (480, 270) and g.scale == pytest.approx(0.375)
    small = working_geometry(360, 288, max_height=540)
    assert (small.width, small.height) == (360, 288)
    odd = working_geometry(701, 333, max_height=100)
    assert odd.width % 2 == 0 and odd.height % 2 == 0


def test_every_frame_with_its_real_pts(shared_data):
    clip = shared_data / "scenes" / "counter.mp4"  # frame n (from 1) has PTS (n-1)/10 s
    with FrameStream(clip, max_height=120, batch=7) as stream:
        batches = list(stream)
    pts = np.concatenate([b.pts for b in batches])
    assert pts.tolist() == pytest.approx([n / 10 for n in range(30)], abs=1e-4)
    assert batches[0].gray.shape[1:] == (120, 214)


def test_pts_agree_with_the_media_layer_on_a_file_that_starts_late(shared_data):
    clip = shared_data / "talking" / "face1.mp4"  # video starts at 0.033 s and skips a frame early on
    with FrameStream(clip, max_height=90) as stream:
        pts = np.concatenate([b.pts for b in stream])
    with open_frames(clip) as reader:
        expected = [reader.frame_by_index(i)[0] for i in range(5)]
    assert pts[:5] == pytest.approx(expected, abs=1e-4)
    assert pts[0] == pytest.approx(0.033, abs=1e-3)
    assert np.all(np.diff(pts) > 0)


def test_colour_of_a_frame_survives_the_yuv_path(numbered_video):
    with FrameStream(numbered_video, max_height=120) as stream:
        batch = next(iter(stream))
    rgb, half = batch.rgb(0), batch.rgb_half(0)
    assert rgb.shape == (120, 160, 3) and half.shape == (60, 80, 3)
    assert np.abs(rgb[::2, ::2].astype(int).mean(axis=(0, 1)) - half.astype(int).mean(axis=(0, 1))).max() < 12


def test_cancel_stops_the_decode(numbered_video):
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        with FrameStream(numbered_video, max_height=60, cancel=cancel) as stream:
            list(stream)


def test_audio_only_file_is_refused(audio_only):
    with pytest.raises(MediaError, match="no video"):
        FrameStream(audio_only, max_height=60)
