"""Log-mel frames and silero-vad speech probability on real speech."""

from __future__ import annotations

import numpy as np
import pytest

from vidmeta.features.audio import SAMPLE_RATE, VadTrack, log_mel, speech_probability
from vidmeta.media import load_audio


def test_log_mel_frames_every_10_ms():
    tone = np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE) / SAMPLE_RATE).astype(np.float32)
    track = log_mel(tone, n_mels=40)
    assert track.log_mel.shape == (101, 40) and track.log_energy.shape == (101,)
    assert track.times[1] - track.times[0] == pytest.approx(0.01)
    assert track.duration == pytest.approx(1.0)
    # a 440 Hz tone puts its energy in the low bands
    assert int(track.log_mel[50].argmax()) < 15


def test_vad_finds_speech_and_not_silence(speech_wav):
    speech = load_audio(speech_wav, sample_rate=SAMPLE_RATE)
    silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
    samples = np.concatenate([silence, speech, silence])
    vad = speech_probability(samples)
    assert vad.frame == pytest.approx(0.032)
    assert len(vad.probability) == int(np.ceil(len(samples) / 512))
    start, end = 1.0, 1.0 + len(speech) / SAMPLE_RATE
    inside = vad.probability[(vad.times > start + 0.3) & (vad.times < end - 0.3)]
    outside = vad.probability[(vad.times < start - 0.2) | (vad.times > end + 0.3)]
    assert inside.mean() > 0.6 and outside.max() < 0.3


def test_vad_track_lookup_by_time():
    vad = VadTrack(times=np.arange(4) * 0.032, probability=np.array([0.1, 0.9, 0.8, 0.2], np.float32), frame=0.032)
    assert vad.at(np.array([0.0, 0.04, 0.07, 0.2, -1.0])).tolist() == pytest.approx([0.1, 0.9, 0.8, 0.0, 0.0])


def test_vad_keeps_torch_threads(speech_wav):
    import torch

    before = torch.get_num_threads()
    speech_probability(np.zeros(4000, dtype=np.float32))
    assert torch.get_num_threads() == before
