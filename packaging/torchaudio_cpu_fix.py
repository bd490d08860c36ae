"""Make the registry's torchaudio import on a CPU-only torch.

The torchaudio wheel is a CUDA build: its compiled extension needs libc10_cuda.so, which a CPU torch
lacks, and `import torchaudio` fails. Without that one file torchaudio runs in pure-PyTorch mode
(MelSpectrogram, resample, ... work). Applied only when torch has no CUDA; a reinstall restores it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> int:
    import torch

    if torch.version.cuda is not None:
        print("torchaudio fix: torch has CUDA, nothing to do")
        return 0
    spec = importlib.util.find_spec("torchaudio")
    if spec is None or spec.origin is None:
        print("torchaudio fix: torchaudio not installed, nothing to do")
        return 0
    ext = Path(spec.origin).parent / "lib" / "_torchaudio.abi3.so"
    if ext.exists():
        ext.unlink()
        print(f"torchaudio fix: removed {ext} (CUDA-only extension on a CPU torch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
