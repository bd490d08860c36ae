"""vidmeta-cli: output of info, and one clear line with exit code 2 for every bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from vidmeta.cli import main
from vidmeta.domain import ProjectDocument
from vidmeta.store import save_project, video_ref

CLI = [sys.executable, "-m", "vidmeta.cli"]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_info_json_counter(shared_data, capsys):
    code, out, err = run_cli(capsys, "info", str(shared_data / "scenes" / "counter.mp4"), "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["video"]["frame_count"] == 30
    assert info["video"]["fps"] == 10.0 and info["video"]["frame_rate"] == "10/1"
    assert info["duration"] == pytest.approx(3.0)
    assert info["audio"] is None


def test_info_text(numbered_video, capsys):
    code, out, _ = run_cli(capsys, "info", str(numbered_video))
    assert code == 0
    assert "h264 160x120, 25.000 fps" in out and "aac 44100 Hz" in out


def _truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * 0.3)])
    return dst


def _bad_inputs(tmp: Path, real_mp4: Path) -> dict[str, tuple[Path, str]]:
    (tmp / "zero.mp4").write_bytes(b"")
    (tmp / "notes.mp4").write_text("these are my notes, not a video\n" * 20)
    newer = tmp / "newer.vidmeta.json"
    newer.write_text(json.dumps({"format": "vidmeta-project", "schema_version": 999}))
    corrupt = tmp / "corrupt.vidmeta.json"
    corrupt.write_text('{"format": "vidmeta-project", "schema_ver')
    gone = tmp / "gone.mp4"
    shutil.copy(real_mp4, gone)
    orphan = save_project(ProjectDocument(video=video_ref(gone)), tmp / "orphan.vidmeta.json")
    gone.unlink()
    return {
        "missing": (tmp / "nope.mp4", "no such file"),
        "directory": (tmp, "is a directory"),
        "zero-byte": (tmp / "zero.mp4", "empty file"),
        "truncated": (_truncated(real_mp4, tmp / "truncated.mp4"), "damaged or truncated"),
        "text-as-mp4": (tmp / "notes.mp4", "not a media file"),
        "newer-project": (newer, "newer vidmeta"),
        "corrupt-project": (corrupt, "corrupt project file"),
        "project-missing-video": (orphan, "is missing"),
    }


BAD = ["missing", "directory", "zero-byte", "truncated", "text-as-mp4", "newer-project", "corrupt-project",
       "project-missing-video"]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_one_line_exit_2(case, tmp_path, numbered_video, capsys):
    path, reason = _bad_inputs(tmp_path, numbered_video)[case]
    before = path.read_bytes() if path.is_file() else None
    code, out, err = run_cli(capsys, "info", str(path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"vidmeta-cli: error: {path}: ") and reason in lines[0]
    assert "Traceback" not in err
    if before is not None:
        assert path.read_bytes() == before  # nothing is lost or rewritten


def test_real_truncated_clip_gets_clear_error(shared_data, tmp_path, capsys):
    bad = _truncated(shared_data / "talking" / "face2.mp4", tmp_path / "face2 cut.mp4")
    code, _, err = run_cli(capsys, "info", str(bad))
    assert code == 2 and "damaged or truncated" in err


def test_unreadable_file(numbered_video, tmp_path):
    # A folder everyone may enter (pytest's own are private to their owner), with a locked file in it.
    tmp_path = Path(tempfile.mkdtemp(prefix="vidmeta-perm-"))
    tmp_path.chmod(0o777)
    locked = tmp_path / "locked.mp4"
    shutil.copy(numbered_video, locked)
    locked.chmod(0)
    env = {**os.environ, "VIDMETA_HOME": str(tmp_path / "home")}
    cmd = [*CLI, "info", str(locked)]
    if os.geteuid() == 0:
        # root reads anything; run the CLI as an ordinary user to meet a real permission error
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv is missing")
        as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        if subprocess.run([*as_nobody, sys.executable, "-c", "import vidmeta"], capture_output=True,
                          cwd=Path(__file__).parents[1]).returncode != 0:
            pytest.skip("an ordinary user cannot run this checkout's Python (private parent folder)")
        cmd = [*as_nobody, *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=Path(__file__).parents[1])
    try:
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip() == f"vidmeta-cli: error: {locked}: permission denied"
    finally:
        shutil.rmtree(tmp_path)


def test_unicode_path_with_spaces_works(numbered_video, tmp_path, capsys):
    odd = tmp_path / "my vidéos" / "été 2026 — 東京.mp4"
    odd.parent.mkdir()
    shutil.copy(numbered_video, odd)
    code, out, err = run_cli(capsys, "info", "--json", str(odd))
    assert code == 0, err
    assert json.loads(out)["path"] == str(odd)


def test_verbose_shows_traceback(tmp_path, capsys):
    code, _, err = run_cli(capsys, "--verbose", "info", str(tmp_path / "nope.mp4"))
    assert code == 2 and "Traceback" in err and "no such file" in err


def test_entry_point_subprocess(tmp_path):
    exe = Path(sys.executable).with_name("vidmeta-cli")
    if not exe.exists():
        pytest.skip("vidmeta-cli entry point not installed in this environment")
    proc = subprocess.run([str(exe), "info", str(tmp_path / "missing file.mp4")], capture_output=True, text=True,
                          env={**os.environ, "VIDMETA_HOME": str(tmp_path / "home")})
    assert proc.returncode == 2
    assert proc.stderr == f"vidmeta-cli: error: {tmp_path / 'missing file.mp4'}: no such file\n"


def test_project_info_and_relink(numbered_video, tmp_path, capsys):
    video = tmp_path / "v.mp4"
    shutil.copy(numbered_video, video)
    project = save_project(ProjectDocument(video=video_ref(video)), tmp_path / "v.mp4.vidmeta.json")
    code, out, _ = run_cli(capsys, "info", "--json", str(project))
    assert code == 0 and json.loads(out)["project"]["tiers"] == 0
    (tmp_path / "moved").mkdir()
    video.rename(tmp_path / "moved" / "renamed.mp4")
    assert run_cli(capsys, "info", str(project))[0] == 2
    code, out, err = run_cli(capsys, "relink", str(project), str(tmp_path / "moved"))
    assert code == 0, err
    code, out, _ = run_cli(capsys, "info", "--json", str(project))
    assert code == 0 and json.loads(out)["path"] == str((tmp_path / "moved" / "renamed.mp4").resolve())


def test_relink_finds_nothing(numbered_video, video_only, tmp_path, capsys):
    video = tmp_path / "v.mp4"
    shutil.copy(numbered_video, video)
    project = save_project(ProjectDocument(video=video_ref(video)), tmp_path / "p.vidmeta.json")
    before = project.read_bytes()
    code, _, err = run_cli(capsys, "relink", str(project), str(video_only))
    assert code == 2 and "no file here has the content" in err
    assert project.read_bytes() == before


def test_logging_goes_to_user_log_dir(vidmeta_home, numbered_video, capsys):
    run_cli(capsys, "--verbose", "info", str(numbered_video))
    assert (vidmeta_home / "logs" / "vidmeta.log").exists()
