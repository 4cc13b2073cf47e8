"""A project whose files shadow modules we import (argparse.py, inkling.py) never has its code run: not by
the server started as the editors start it with the project as its working folder, nor by its training child."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from tests.lsp.session import Client, run

HOSTILE = ("argparse", "inkling", "json")  # imported by `python -m inkling` and by the finetune child


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with hostile modules that append to tmp_path/canary.txt when imported, and real code."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYTHONSAFEPATH", raising=False)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    folder = tmp_path / "project"
    folder.mkdir()
    canary = tmp_path / "canary.txt"
    for name in HOSTILE:
        (folder / f"{name}.py").write_text(
            f"import sys\nopen({str(canary)!r}, 'a').write('{name}.py ran: ' + repr(sys.argv) + '\\n')\n"
            "raise SystemExit(3)\n"
        )
    for i in range(12):
        (folder / f"m{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n\n\nprint(f{i}(1))\n")
    return folder


def _canary(project: Path) -> str:
    path = project.parent / "canary.txt"
    return path.read_text() if path.exists() else ""


def test_training_from_a_server_whose_working_folder_is_the_project(tiny_model: Path, project: Path) -> None:
    """`inkling serve` as Neovim starts it (the console script, cwd = the project), then trainWorkspace."""

    async def session() -> None:
        client = Client()
        script = Path(sys.executable).parent / "inkling"
        await client.start_io(str(script), "serve", "--model", str(tiny_model), cwd=project)
        await client.initialize_async(
            types.InitializeParams(
                process_id=None,
                root_uri=project.as_uri(),
                workspace_folders=[types.WorkspaceFolder(project.as_uri(), project.name)],
                capabilities=types.ClientCapabilities(),
            )
        )
        client.initialized(types.InitializedParams())
        try:
            await client.ready()
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("inkling.trainWorkspace", [str(project), 0.05])
            )
            assert answer["status"] in ("trained", "no-improvement"), answer
        finally:
            await client.shutdown_async(None)
            client.exit(None)
            await client.stop()

    run(session(), timeout=180)
    assert _canary(project) == ""


def _serve_as_the_extension_does(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """`<python> -m inkling serve` with the extension's arguments, its stdin closed at once (so it stops)."""
    return subprocess.run(
        [sys.executable, "-m", "inkling", "serve"],
        cwd=project,
        env=env,
        input=b"",
        capture_output=True,
        timeout=120,
    )


def test_the_extension_launch_does_not_import_from_the_working_folder(project: Path) -> None:
    """extension/src/python.ts `serverLaunch` sets PYTHONSAFEPATH=1 (and a neutral cwd, checked in
    tests/extension/launch.test.ts); even with the project as the working folder nothing of it runs."""
    unsafe = _serve_as_the_extension_does(project, {**os.environ, "PYTHONUNBUFFERED": "1"})
    assert ".py ran" in _canary(project)  # the hazard is real: without the safe path it runs
    (project.parent / "canary.txt").unlink()
    assert unsafe.returncode == 3
    safe = _serve_as_the_extension_does(
        project, {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONSAFEPATH": "1"}
    )
    assert _canary(project) == ""
    assert safe.returncode == 1, safe.stderr.decode(errors="replace")[-2000:]  # stdin closed, no shutdown
    assert b"Traceback" not in safe.stderr


def test_python_m_inkling_takes_its_working_folder_off_the_import_path(project: Path) -> None:
    """Started by hand without the safe path (`python -m inkling serve` in the project), the project's
    argparse.py and json.py still do not run: __main__ drops the folder before importing anything of ours.
    (A project file named inkling.py would be imported as the package itself: only -P prevents that.)"""
    (project / "inkling.py").unlink()
    started = _serve_as_the_extension_does(project, {**os.environ, "PYTHONUNBUFFERED": "1"})
    assert _canary(project) == ""
    assert started.returncode == 1 and b"Traceback" not in started.stderr
