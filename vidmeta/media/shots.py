"""Shot changes with PySceneDetect's adaptive detector (scenedetect-headless), with progress and cancel."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from vidmeta.domain import CancelToken, MediaError, Progress
from vidmeta.media.probe import probe

_STEP_SECONDS = 5.0  # detection runs in steps this long, so progress and cancel come often


@dataclass(frozen=True, slots=True)
class ShotOptions:
    adaptive_threshold: float = 3.0  # how much a frame's change must exceed its neighbours' average
    min_scene_len: int = 15  # frames: no two cuts closer than this
    window_width: int = 2  # frames on each side of the rolling average
    min_content_val: float = 15.0  # a change below this is never a cut, however it compares


def detect_shots(
    path: str | Path, *, options: ShotOptions = ShotOptions(), cancel: CancelToken
) -> Generator[Progress, None, list[float]]:
    """Job: the times (seconds) where a new shot starts, the first shot's start (0) excluded."""
    from scenedetect import AdaptiveDetector, SceneManager, open_video

    info = probe(path)
    if info.video is None:
        return []  # audio only: no picture, no shots
    try:
        video = open_video(str(info.path), backend="opencv")
    except Exception as exc:  # scenedetect wraps OpenCV errors in its own types
        raise MediaError(info.path, f"cannot read frames for shot detection ({exc})") from None
    manager = SceneManager()
    manager.add_detector(AdaptiveDetector(
        adaptive_threshold=options.adaptive_threshold, min_scene_len=options.min_scene_len,
        window_width=options.window_width, min_content_val=options.min_content_val,
    ))
    duration = info.duration
    done = 0.0
    yield Progress(0.0, "Detecting shots")
    while done < duration:
        cancel.raise_if_cancelled()
        end = min(duration, done + _STEP_SECONDS)
        manager.detect_scenes(video=video, end_time=end)
        done = end
        yield Progress(done / duration, "Detecting shots", f"{done:.0f} of {duration:.0f} s")
        if video.position.seconds + 1e-6 < done - 1.0:
            break  # the stream ended early (shorter than its header says)
    scenes = manager.get_scene_list()
    return [float(start.seconds) for start, _ in scenes[1:]]
