"""PNG decoding, image folders (plain and zipped), rotated classes, class splits."""

from __future__ import annotations

import struct
import zipfile
import zlib

import numpy as np
import pytest
import torch

from vidmeta.meta import ArrayDataset, load_image_folder, load_omniglot, split_classes, with_rotated_classes
from vidmeta.meta.images import decode_png, resize_images


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png(pixels: np.ndarray, *, depth: int = 8, colour: int = 0, filters: list[int] | None = None) -> bytes:
    """A PNG written by hand: grey (colour 0) or RGB (colour 2) rows with chosen filter types."""
    height, width = pixels.shape[:2]
    channels = 1 if colour == 0 else 3
    if depth < 8:
        rows = np.packbits(pixels.reshape(height, width).astype(np.uint8), axis=1) if depth == 1 else None
        assert rows is not None
        bpp = 1
    else:
        rows = pixels.reshape(height, width * channels).astype(np.uint8)
        bpp = channels
    filters = filters or [0] * height
    raw, previous = b"", np.zeros(rows.shape[1], np.int32)
    for r, kind in enumerate(filters):
        line = rows[r].astype(np.int32)
        left = np.concatenate([np.zeros(bpp, np.int32), line[:-bpp]])
        up_left = np.concatenate([np.zeros(bpp, np.int32), previous[:-bpp]])
        if kind == 0:
            enc = line
        elif kind == 1:
            enc = line - left
        elif kind == 2:
            enc = line - previous
        elif kind == 3:
            enc = line - (left + previous) // 2
        else:
            p = left + previous - up_left
            pa, pb, pc = abs(p - left), abs(p - previous), abs(p - up_left)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, previous, up_left))
            enc = line - pred
        raw += bytes([kind]) + (enc & 0xFF).astype(np.uint8).tobytes()
        previous = line
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")


def test_png_every_filter_type_grey8():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (5, 7)).astype(np.uint8)
    decoded = decode_png(make_png(pixels, filters=[0, 1, 2, 3, 4]))
    np.testing.assert_allclose(decoded, pixels / 255.0, atol=1e-6)


def test_png_one_bit_like_omniglot():
    pixels = (np.arange(9 * 11).reshape(9, 11) % 3 == 0).astype(np.uint8)
    decoded = decode_png(make_png(pixels, depth=1))
    assert decoded.shape == (9, 11)
    np.testing.assert_array_equal(decoded, pixels.astype(np.float32))


def test_png_rgb_is_luma():
    pixels = np.zeros((2, 2, 3), np.uint8)
    pixels[0, 0] = (255, 0, 0)
    pixels[1, 1] = (255, 255, 255)
    decoded = decode_png(make_png(pixels, colour=2, filters=[4, 1]))
    np.testing.assert_allclose(decoded, [[0.299, 0.0], [0.0, 1.0]], atol=1e-5)


def test_png_matches_opencv_on_its_own_encodings():
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(1)
    smooth = (np.add.outer(np.arange(20), np.arange(30)) * 4 + rng.integers(0, 9, (20, 30))).astype(np.uint8)
    for image in (smooth, np.dstack([smooth, smooth[::-1], 255 - smooth])):
        ok, data = cv2.imencode(".png", image)
        assert ok
        expected = cv2.imdecode(data, cv2.IMREAD_UNCHANGED).astype(np.float32) / 255.0
        if expected.ndim == 3:  # OpenCV stores BGR
            expected = expected[..., ::-1] @ np.array([0.299, 0.587, 0.114], np.float32)
        np.testing.assert_allclose(decode_png(data.tobytes()), expected, atol=1e-5)


def test_not_a_png():
    with pytest.raises(ValueError):
        decode_png(b"GIF89a....")


def _write_tree(root, classes=3, per_class=2, size=8):
    for c in range(classes):
        folder = root / "alphabet" / f"character{c:02d}"
        folder.mkdir(parents=True)
        for i in range(per_class):
            pixels = np.zeros((size, size), np.uint8)
            pixels[c, :] = 1  # a horizontal stroke in row c; ink = 0 after the PNG's 1-bit white
            (folder / f"{c}_{i}.png").write_bytes(make_png(1 - pixels, depth=1))


def test_image_folder_and_zip_agree(tmp_path):
    _write_tree(tmp_path / "tree")
    with zipfile.ZipFile(tmp_path / "tree.zip", "w") as archive:
        for path in sorted((tmp_path / "tree").rglob("*.png")):
            archive.write(path, "tree/" + path.relative_to(tmp_path / "tree").as_posix())
    plain = load_image_folder(tmp_path / "tree", invert=True)
    zipped = load_image_folder(tmp_path / "tree.zip", invert=True)
    assert plain.class_names == zipped.class_names == ("alphabet/character00", "alphabet/character01", "alphabet/character02")
    assert torch.equal(plain.inputs, zipped.inputs)
    assert plain.inputs.shape == (6, 1, 8, 8)
    # inverted: the stroke (black in the file) is ink = 1 in row = class index
    for row, label in zip(plain.inputs, plain.labels):
        assert row[0, label].sum() == 8 and row.sum() == 8


def test_resize_keeps_range_and_mass():
    images = np.zeros((1, 105, 105), np.float32)
    images[0, 40:65, 40:65] = 1.0
    small = resize_images(images, (28, 28))
    assert small.shape == (1, 28, 28) and small.min() >= 0 and small.max() <= 1
    assert abs(small.mean() - images.mean()) < 0.01


def test_rotated_classes():
    x = torch.arange(2 * 9, dtype=torch.float32).reshape(2, 1, 3, 3)
    rotated = with_rotated_classes(ArrayDataset(x, np.array([0, 1])))
    assert sorted(rotated.labels.tolist()) == list(range(8))
    for k in range(4):
        row = int(np.flatnonzero(rotated.labels == 4 + k)[0])  # class 1, rotation k
        assert torch.equal(rotated.inputs[row], torch.rot90(x[1], k, dims=(1, 2)))


def test_split_classes_is_disjoint_and_keeps_groups():
    dataset = ArrayDataset(torch.zeros(80, 2), np.repeat(np.arange(40), 2))
    first, second = split_classes(dataset, fraction=0.3, seed=0, group=4)
    a, b = set(first.labels.tolist()), set(second.labels.tolist())
    assert not a & b and a | b == set(range(40))
    assert len(b) == 12  # 3 of 10 groups of 4
    assert {c // 4 for c in a}.isdisjoint({c // 4 for c in b})


@pytest.mark.slow
def test_omniglot_small_sets(omniglot_dir):
    dataset = load_omniglot(omniglot_dir / "images_background_small2.zip")
    assert dataset.inputs.shape == (156 * 20 * 4, 1, 28, 28)
    assert len(np.unique(dataset.labels)) == 156 * 4
    # ink = 1 on a black background: most pixels are dark
    assert 0.03 < float(dataset.inputs.mean()) < 0.2 and float(dataset.inputs.max()) == 1.0
