"""The weight-free visual encoder, motion energy, and the backbone plug-in."""

from __future__ import annotations

import numpy as np
import pytest

from vidmeta.domain import VidmetaError
from vidmeta.features.options import FeatureOptions
from vidmeta.features.visual import MotionMeter, VisualEncoder, resolve_device


def solid(rgb: tuple[int, int, int], n: int = 2, size: tuple[int, int] = (90, 160)) -> np.ndarray:
    return np.broadcast_to(np.array(rgb, dtype=np.uint8), (n, *size, 3)).copy()


def stripes(vertical: bool) -> np.ndarray:
    img = np.zeros((90, 160), dtype=np.uint8)
    if vertical:
        img[:, (np.arange(160) // 8) % 2 == 0] = 255
    else:
        img[(np.arange(90) // 8) % 2 == 0, :] = 255
    return np.repeat(img[None, :, :, None], 3, axis=3)


def test_colour_histogram_is_normalised_and_tells_colours_apart():
    options = FeatureOptions()
    enc = VisualEncoder(options=options)
    colours = 8 * 4 * 4
    red, _ = enc.encode(solid((220, 20, 20)))
    blue, _ = enc.encode(solid((20, 20, 220)))
    assert red.shape == (2, enc.width) and enc.width == colours + 4 * 4 * 8
    assert red[0, :colours].sum() == pytest.approx(1.0, abs=1e-5)
    assert int(red[0, :colours].argmax()) != int(blue[0, :colours].argmax())
    assert red[0, colours:].sum() == pytest.approx(0.0, abs=1e-6)  # a flat image has no gradients


def test_gradient_histograms_see_orientation():
    enc = VisualEncoder(options=FeatureOptions())
    v, _ = enc.encode(stripes(vertical=True))
    h, _ = enc.encode(stripes(vertical=False))
    colours = 8 * 4 * 4
    cells_v = v[0, colours:].reshape(16, 8).sum(axis=0)
    cells_h = h[0, colours:].reshape(16, 8).sum(axis=0)
    # vertical stripes: horizontal gradients (orientation bin 0); horizontal stripes: bin 4 (pi/2)
    assert cells_v.argmax() in (0, 7) and cells_h.argmax() in (3, 4)
    assert np.linalg.norm(v[0, colours:]) == pytest.approx(1.0, abs=1e-3)


def test_motion_energy_is_zero_for_still_frames_and_grows_with_change():
    meter = MotionMeter(stride=4)
    still = np.full((90, 160), 100, dtype=np.uint8)
    for t in (0.0, 0.04, 0.08):
        meter.push(t, still)
    meter.push(0.12, np.full((90, 160), 200, dtype=np.uint8))
    assert meter.values[:3] == [0.0, 0.0, 0.0]
    assert meter.values[3] == pytest.approx(100 / 255, abs=1e-6)


def test_a_local_torchscript_backbone_plugs_in(tmp_path):
    import torch

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 5, 7, stride=4)

        def forward(self, x):
            return self.conv(x).mean(dim=(2, 3))

    path = tmp_path / "tiny_backbone.pt"
    torch.jit.script(Tiny()).save(str(path))
    enc = VisualEncoder(options=FeatureOptions(visual_backbone=str(path)))
    desc, emb = enc.encode(solid((10, 200, 30), n=3))
    assert desc.shape[0] == 3 and emb.shape == (3, 5)
    assert np.isfinite(emb).all()


def test_backbone_errors_are_user_errors(tmp_path):
    with pytest.raises(VidmetaError, match="not found"):
        VisualEncoder(options=FeatureOptions(visual_backbone=str(tmp_path / "missing.pt")))
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a model")
    with pytest.raises(VidmetaError, match="TorchScript"):
        VisualEncoder(options=FeatureOptions(visual_backbone=str(bad)))


def test_device_resolution():
    import torch

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(VidmetaError, match="CUDA"):
            resolve_device("cuda")
