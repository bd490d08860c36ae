"""Visual descriptors that need no downloaded weights, batched in torch (GPU when available).

Per sampled frame: a joint HSV colour histogram and gradient-orientation histograms on a coarse
grid. Per decoded frame: motion energy, the mean absolute difference of small grey frames. A
pretrained backbone plugs in as a local TorchScript file (`FeatureOptions.visual_backbone`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import VidmetaError
from vidmeta.features.options import FeatureOptions

_BACKBONE_SIZE = 224  # pixels per side fed to a backbone
_IMAGENET_MEAN = (0.485, 0.456, 0.406)  # the normalisation torchvision-style backbones are trained with
_IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class VisualTrack:
    """Visual features over time."""

    times: np.ndarray  # float64 [S] PTS of the sampled frames
    descriptors: np.ndarray  # float32 [S, D] colour histogram + gradient histograms
    backbone: np.ndarray | None  # float32 [S, B] backbone embeddings, None without a backbone
    motion_times: np.ndarray  # float64 [N] PTS of every decoded frame
    motion: np.ndarray  # float32 [N] mean |grey difference| to the previous frame, 0..1


def resolve_device(name: str) -> str:
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise VidmetaError(None, "device 'cuda' requested but no CUDA device is available")
    return name


class VisualEncoder:
    """Colour and gradient descriptors of RGB frames, computed as one batch."""

    def __init__(self, *, options: FeatureOptions, device: str = "cpu"):
        import torch

        self._torch = torch
        self.device = device
        self._size = tuple(options.visual_size)  # (w, h)
        self._bins = tuple(options.hsv_bins)
        self._grid = options.gradient_grid
        self._orient = options.gradient_bins
        self._backbone = None if options.visual_backbone is None else load_backbone(options.visual_backbone, device)

    @property
    def width(self) -> int:
        hb, sb, vb = self._bins
        return hb * sb * vb + self._grid * self._grid * self._orient

    def encode(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """frames uint8 [N, H, W, 3] RGB -> descriptors [N, D] and backbone embeddings [N, B] or None."""
        torch = self._torch
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(frames)).to(self.device)
            x = x.permute(0, 3, 1, 2).float().div_(255.0)
            small = torch.nn.functional.interpolate(x, size=self._size[::-1], mode="area")
            desc = torch.cat([self._hsv_histogram(small), self._gradient_histograms(small)], dim=1)
            emb = None
            if self._backbone is not None:
                emb = self._embed(x).float().cpu().numpy()
            return desc.cpu().numpy().astype(np.float32), emb

    def _hsv_histogram(self, rgb):
        torch = self._torch
        r, g, b = rgb.unbind(1)
        cmax, _ = rgb.max(dim=1)
        cmin, _ = rgb.min(dim=1)
        delta = cmax - cmin
        safe = torch.where(delta > 0, delta, torch.ones_like(delta))
        hue = torch.where(cmax == r, ((g - b) / safe) % 6, torch.where(cmax == g, (b - r) / safe + 2, (r - g) / safe + 4))
        hue = torch.where(delta > 0, hue / 6.0, torch.zeros_like(hue))  # 0..1
        sat = torch.where(cmax > 0, delta / torch.where(cmax > 0, cmax, torch.ones_like(cmax)), torch.zeros_like(cmax))
        hb, sb, vb = self._bins
        hi = (hue * hb).long().clamp_(0, hb - 1)
        si = (sat * sb).long().clamp_(0, sb - 1)
        vi = (cmax * vb).long().clamp_(0, vb - 1)
        joint = (hi * sb + si) * vb + vi  # [N, h, w]
        n = joint.shape[0]
        hist = torch.zeros(n, hb * sb * vb, device=rgb.device)
        hist.scatter_add_(1, joint.reshape(n, -1), torch.ones_like(joint.reshape(n, -1), dtype=hist.dtype))
        return hist / hist.sum(dim=1, keepdim=True)

    def _gradient_histograms(self, rgb):
        torch = self._torch
        gray = (0.299 * rgb[:, 0] + 0.587 * rgb[:, 1] + 0.114 * rgb[:, 2])[:, None]
        kx = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], device=rgb.device) / 8.0
        padded = torch.nn.functional.pad(gray, (1, 1, 1, 1), mode="replicate")  # zeros would draw a frame edge
        gx = torch.nn.functional.conv2d(padded, kx[None, None])[:, 0]
        gy = torch.nn.functional.conv2d(padded, kx.T[None, None])[:, 0]
        mag = torch.sqrt(gx * gx + gy * gy)
        angle = torch.atan2(gy, gx) % math.pi  # unsigned orientation: an edge is the same both ways
        ob = self._orient
        oi = (angle / math.pi * ob).long().clamp_(0, ob - 1)
        n, h, w = mag.shape
        cells = self._grid
        cy = (torch.arange(h, device=rgb.device) * cells // h)[:, None]
        cx = (torch.arange(w, device=rgb.device) * cells // w)[None, :]
        index = ((cy * cells + cx)[None] * ob + oi).reshape(n, -1)
        hist = torch.zeros(n, cells * cells * ob, device=rgb.device)
        hist.scatter_add_(1, index, mag.reshape(n, -1))
        hist = hist.reshape(n, cells * cells, ob)
        hist = hist / (hist.norm(dim=2, keepdim=True) + 1e-6)  # per cell: contrast-invariant
        return hist.reshape(n, -1) / cells  # unit norm overall

    def _embed(self, rgb):
        torch = self._torch
        x = torch.nn.functional.interpolate(rgb, size=(_BACKBONE_SIZE, _BACKBONE_SIZE), mode="bilinear",
                                            align_corners=False)
        mean = torch.tensor(_IMAGENET_MEAN, device=x.device)[None, :, None, None]
        std = torch.tensor(_IMAGENET_STD, device=x.device)[None, :, None, None]
        out = self._backbone((x - mean) / std)
        return out.reshape(out.shape[0], -1)


def load_backbone(path: str | Path, device: str):
    """A TorchScript image model from a local file: [N, 3, 224, 224] normalised -> [N, ...]."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise VidmetaError(path, "visual backbone file not found")
    try:
        model = torch.jit.load(str(path), map_location=device)
    except Exception as exc:  # torch raises RuntimeError or pickle errors for a wrong file
        raise VidmetaError(path, f"not a TorchScript model ({type(exc).__name__})") from None
    return model.eval()


class MotionMeter:
    """Motion energy of every frame from a sparse grid of grey pixels; fed in decode order.

    Subsampling without a filter is enough for an energy (it aliases detail, not motion), and it
    costs a fraction of a resize on every frame.
    """

    def __init__(self, *, stride: int):
        self._stride = max(1, int(stride))
        self._previous: np.ndarray | None = None
        self.times: list[float] = []
        self.values: list[float] = []

    def push(self, pts: float, gray: np.ndarray) -> None:
        small = gray[:: self._stride, :: self._stride].astype(np.int16)
        value = 0.0 if self._previous is None else float(np.abs(small - self._previous).mean()) / 255.0
        self._previous = small
        self.times.append(pts)
        self.values.append(value)
