"""Reading image folders (plain or zipped) without an imaging library.

The meta layer may not import OpenCV or Pillow, so PNG is decoded here with zlib and numpy
(non-interlaced, every colour type and bit depth). Callers with other formats pass their own
``decode`` function, e.g. one built on ``cv2.imdecode`` in the media layer.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel

Decoder = Callable[[bytes], np.ndarray]  # file bytes -> (h, w) float32 grey in [0, 1]


def decode_png(data: bytes) -> np.ndarray:
    """Decode a PNG file to a (h, w) float32 grey image in [0, 1] (alpha composited on white)."""
    if data[:8] != PNG_SIGNATURE:
        raise ValueError("not a PNG file")
    pos, idat, palette, header = 8, [], None, None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _, _, interlace = header
    if interlace:
        raise ValueError("interlaced PNG is not supported; pass a decode= function")
    channels = _CHANNELS[colour]
    bits_per_pixel = depth * channels
    stride = (width * bits_per_pixel + 7) // 8
    rows = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(height, stride + 1)
    raw = _unfilter(rows, max(1, bits_per_pixel // 8))
    samples = _unpack(raw, width * channels, depth).reshape(height, width, channels)
    maximum = float(2**depth - 1)
    if colour == 3:
        if palette is None:
            raise ValueError("palette PNG without PLTE")
        rgb = palette[samples[..., 0]].astype(np.float32) / 255.0
        return _luma(rgb)
    values = samples.astype(np.float32) / maximum
    if colour == 0:
        return values[..., 0]
    if colour == 4:
        return values[..., 0] * values[..., 1] + (1.0 - values[..., 1])
    grey = _luma(values[..., :3])
    if colour == 6:
        grey = grey * values[..., 3] + (1.0 - values[..., 3])
    return grey


def _luma(rgb: np.ndarray) -> np.ndarray:
    return (rgb @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.float32)


def _unfilter(rows: np.ndarray, bpp: int) -> np.ndarray:
    """Undo the per-row PNG filters (None, Sub, Up, Average, Paeth)."""
    height, width = rows.shape[0], rows.shape[1] - 1
    out = np.zeros((height, width), np.uint8)
    previous = np.zeros(width, np.int32)
    for r in range(height):
        kind, line = rows[r, 0], rows[r, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + previous) & 0xFF
        elif kind == 1 and width % bpp == 0:
            # Sub is a running sum per byte lane, which numpy does in one call.
            cur = (np.cumsum(line.reshape(-1, bpp), axis=0) & 0xFF).reshape(-1)
        else:
            cur = np.zeros(width, np.int32)
            for i in range(width):
                left = cur[i - bpp] if i >= bpp else 0
                up = previous[i]
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up) >> 1
                elif kind == 4:
                    up_left = previous[i - bpp] if i >= bpp else 0
                    p = left + up - up_left
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                else:
                    raise ValueError(f"unknown PNG filter {kind}")
                cur[i] = (line[i] + pred) & 0xFF
        out[r] = cur
        previous = cur
    return out


def _unpack(raw: np.ndarray, samples_per_row: int, depth: int) -> np.ndarray:
    if depth == 8:
        return raw[:, :samples_per_row]
    if depth == 16:
        return raw.reshape(raw.shape[0], -1, 2).astype(np.uint16) @ np.array([256, 1], np.uint16)
    per_byte = 8 // depth
    shifts = np.arange(8 - depth, -1, -depth, dtype=np.uint8)
    unpacked = (raw[:, :, None] >> shifts) & (2**depth - 1)
    return unpacked.reshape(raw.shape[0], raw.shape[1] * per_byte)[:, :samples_per_row]


def iter_image_files(
    source: str | Path, *, extensions: tuple[str, ...] = (".png",)
) -> Iterator[tuple[str, str, bytes]]:
    """Yield (class name, file name, bytes) for every image under a folder or inside a .zip.

    The class of an image is the folder holding it, named by its path relative to the root
    (e.g. "Greek/character01"), so nested layouts like Omniglot's alphabet/character work.
    """
    source = Path(source)
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.suffix.lower() in extensions):
            yield path.parent.relative_to(source).as_posix(), path.name, path.read_bytes()
        return
    if not zipfile.is_zipfile(source):
        raise FileNotFoundError(f"{source} is neither a folder nor a zip file")
    with zipfile.ZipFile(source) as archive:
        names = sorted(n for n in archive.namelist() if Path(n).suffix.lower() in extensions)
        # Drop a single top-level folder shared by every entry, as zips of one folder have.
        tops = {n.split("/", 1)[0] for n in names}
        strip = len(tops) == 1 and all("/" in n for n in names)
        for name in names:
            parent, file_name = name.rsplit("/", 1) if "/" in name else ("", name)
            if strip:
                parent = parent.split("/", 1)[1] if "/" in parent else ""
            yield parent, file_name, archive.read(name)


def resize_images(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a (n, h, w) float stack with antialiased bilinear filtering (as torchvision's Resize)."""
    if images.shape[1:] == size:
        return images.astype(np.float32, copy=False)
    tensor = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)).unsqueeze(1)
    out = F.interpolate(tensor, size=size, mode="bilinear", antialias=True, align_corners=False)
    return out.squeeze(1).clamp_(0.0, 1.0).numpy()
