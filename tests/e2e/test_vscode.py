"""End to end in a real VS Code (code-server in headless Chromium): the packaged .vsix installs, the real server with
the shipped model shows ghost text that Tab accepts into the saved file, a hover shows a generated comment, and
palette commands reach the server (Show Model Info, Normalize Style, Insert Generated Docstring). A first run with
only Python: the platform .vsix, no setting, no virtual environment, and its own server shows ghost text."""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SETUP = REPO / "scripts" / "e2e_setup.sh"
DRIVER = Path(__file__).with_name("drive.js")
ARTIFACTS = Path(__file__).with_name("artifacts")
PYTHON = REPO / ".venv" / "bin" / "python"  # the repository's environment, where `inkling` is installed

pytestmark = pytest.mark.skipif(
    os.environ.get("INKLING_SKIP_E2E") == "1", reason="INKLING_SKIP_E2E=1: the VS Code end-to-end test is off"
)

TYPED = ".path.join(root, "  # the model alone writes `abspath(path)` after `.path.`, which names an undefined `path`
# A small, realistic module whose last line is unfinished: the test types TYPED after `os` and takes the suggestion.
PATHS_PY = '''"""Where the project keeps its files."""

import os

PROJECT_ROOT = os.path.dirname(os.path.abspath(__file__))


def data_dir(name):
    """The folder of one data set."""
    return os.path.join(PROJECT_ROOT, "data", name)


def config_path(root, name):
    """The path of a configuration file inside the project root."""
    return os'''
# Double quotes and PEP 8 spacing, with one line that drifted: Normalize Style puts it back.
MESSY_PY = '''"""Greetings, mostly in double quotes."""

GREETING = "hello"
NAME = 'world'


def greet(name=NAME):
    return GREETING + ", " + name
'''
# A function without a docstring: Insert Generated Docstring gives it one.
SHAPES_PY = """def area(width, height):
    return width * height
"""
SETTINGS = {
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "workbench.tips.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
    "editor.inlineSuggest.enabled": True,
    # The completion list (Inkling also offers one) would take Tab; this test is about the inline suggestion.
    "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
    "editor.suggestOnTriggerCharacters": False,
}


def _setup() -> dict[str, str]:
    """Runs scripts/e2e_setup.sh (idempotent) and returns the tool paths it prints."""
    done = subprocess.run(["bash", str(SETUP)], capture_output=True, text=True, timeout=1200, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"scripts/e2e_setup.sh failed (exit {done.returncode}); set INKLING_SKIP_E2E=1 to skip this test.\n"
            + done.stderr[-4000:]
        )
    tools = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert {"NODE24", "CODE_SERVER", "CHROMIUM"} <= tools.keys(), done.stdout
    return tools


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kill_group(process: subprocess.Popen[Any]) -> None:
    """Ends the process and everything it forked (code-server's helpers outlive its main process)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def _code_server(command: list[str], env: dict[str, str], log: Path, port: int) -> Iterator[str]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"code-server did not come up:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        _kill_group(process)


def _inkling_logs(user_data: Path) -> str:
    """The extension's output channel (the server's log included), as code-server wrote it."""
    logs = sorted(user_data.glob("logs/**/*Inkling*.log"))
    return "\n".join(path.read_text(errors="replace") for path in logs)


@dataclass
class Session:
    """What one code-server session in the browser saw."""

    seen: dict[str, Any]
    logs: str  # the extension's output channel
    diagnosis: str
    returncode: int | None
    project: Path


def _drive(
    tmp_path: Path,
    tools: dict[str, str],
    vsix: Path,
    settings: dict[str, object],
    machine: dict[str, object],
    path: str,
    mark: Callable[[str], None],
    first_run: bool = False,
) -> Session:
    """Installs `vsix` into a fresh code-server profile with these user and machine settings, opens the project
    in headless Chromium and runs drive.js (up to the accepted ghost text only, with `first_run`)."""
    home, extensions, user_data, project = (
        tmp_path / name for name in ("home", "extensions", "userdata", "proj")
    )
    for folder in (home, extensions, user_data / "User", user_data / "Machine", project):
        folder.mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
    (user_data / "Machine" / "settings.json").write_text(json.dumps(machine, indent=2))
    (project / "paths.py").write_text(PATHS_PY)
    (project / "messy.py").write_text(MESSY_PY)
    (project / "shapes.py").write_text(SHAPES_PY)
    config = tmp_path / "config.yaml"
    config.write_text("auth: none\ncert: false\n")
    node24 = Path(tools["NODE24"])
    env = {
        **os.environ,
        "PATH": f"{node24.parent}{os.pathsep}{path}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
    }
    env.pop("VIRTUAL_ENV", None)
    isolation = [
        "--config",
        str(config),
        "--extensions-dir",
        str(extensions),
        "--user-data-dir",
        str(user_data),
    ]
    code_server = tools["CODE_SERVER"]
    subprocess.run(
        [code_server, *isolation, "--install-extension", str(vsix)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert list(extensions.glob("inkling.inkling-*")), "the .vsix did not install"
    mark("install")

    artifacts = ARTIFACTS / "first_run" if first_run else ARTIFACTS
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    port = _free_port()
    serve = [
        code_server,
        *isolation,
        *(
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--auth",
            "none",
            "--disable-telemetry",
            "--disable-update-check",
        ),
        *("--disable-workspace-trust", "--disable-getting-started-override", str(project)),
    ]
    with _code_server(serve, env, tmp_path / "code-server.log", port) as base_url:
        mark("code-server up")
        drive = subprocess.Popen(
            [str(node24), str(DRIVER), f"{base_url}/?folder={project}", str(project), str(artifacts)],
            env={**env, "CHROMIUM": tools["CHROMIUM"], "TYPED": TYPED, "FIRST_RUN": "1" if first_run else ""},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = drive.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            _kill_group(drive)
            stdout, stderr = drive.communicate()
        mark("browser test")
        logs = _inkling_logs(user_data)
    (artifacts / "inkling_output.log").write_text(logs)
    lines = stdout.strip().splitlines()
    seen = json.loads(lines[-1]) if lines else {}
    diagnosis = f"driver: {stderr[-3000:]}\n--- Inkling output channel:\n{logs[-3000:]}"
    return Session(seen, logs, diagnosis, drive.returncode, project)


def _assert_accepted(session: Session) -> None:
    """The suggestion came from the model (the test typed only TYPED) and Tab put it into the saved file."""
    assert session.returncode == 0, session.diagnosis
    ghost = session.seen["ghostText"].rstrip()
    assert ghost.strip(), session.diagnosis
    saved = (session.project / "paths.py").read_text()
    assert saved.startswith(PATHS_PY)
    accepted = saved[len(PATHS_PY) :]
    assert accepted.startswith(TYPED + ghost), (accepted, ghost)
    assert len(accepted) > len(TYPED)


def _package(script: str, name: str, **env: str) -> Path:
    """`npm run <script>` in the repository, and the .vsix it made: `name` with the manifest's version."""
    version = json.loads((REPO / "package.json").read_text())["version"]
    vsix = REPO / name.format(version=version)
    vsix.unlink(missing_ok=True)
    subprocess.run(
        ["npm", "run", script],
        cwd=REPO,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=900,
    )
    assert vsix.exists()
    return vsix


def _timer(timings: dict[str, float]) -> Callable[[str], None]:
    started = time.monotonic()

    def mark(step: str) -> None:
        timings[step] = round(time.monotonic() - started, 2)

    return mark


def test_vscode_accepts_a_suggestion_and_runs_commands(tmp_path: Path) -> None:
    timings: dict[str, float] = {}
    mark = _timer(timings)
    if not PYTHON.exists():
        pytest.fail(f"{PYTHON} is missing: run `make setup` first")
    tools = _setup()
    mark("setup")

    vsix = _package("package", "inkling-{version}.vsix")
    mark("package")

    # The interpreter is a machine-overridable setting, and code-server's window is a remote one: VS Code takes it
    # from the Remote settings (userdata/Machine), as a user sets it there. From the local user settings it is
    # read only until the extension's schema registers, then dropped (the flaky first runs of issue 18).
    machine = {"inkling.server.pythonPath": str(PYTHON)}
    session = _drive(tmp_path, tools, vsix, SETTINGS, machine, os.environ.get("PATH", ""), mark)
    _assert_accepted(session)
    seen, project = session.seen, session.project
    # Show Model Info reached the server; Normalize Style rewrote the messy file through workspace/applyEdit.
    assert 'Inkling model "default"' in seen["modelInfo"], seen
    messy = (project / "messy.py").read_text()
    assert 'NAME = "world"' in messy and messy != MESSY_PY
    # Hovering over `data_dir` showed the generated summary; the palette put a docstring into shapes.py.
    assert "Inkling, generated:" in seen["hover"] and len(seen["hover"]) > len("Inkling, generated:") + 3, (
        seen
    )
    shapes = (project / "shapes.py").read_text()
    function = ast.parse(shapes).body[0]
    assert isinstance(function, ast.FunctionDef) and ast.get_docstring(function), shapes
    assert shapes.splitlines()[0] == SHAPES_PY.splitlines()[0] and shapes.endswith(
        SHAPES_PY.splitlines()[1] + "\n"
    )
    assert seen["status"] == "Inkling: ready", seen
    assert (ARTIFACTS / "vscode_ghost_text.png").stat().st_size > 10_000

    mark("total")
    timings.update({f"browser: {step}": value for step, value in seen["timings"].items()})
    (ARTIFACTS / "timing.json").write_text(json.dumps(timings, indent=2))
    print("E2E timing (s since the test began; browser steps since the browser began):", json.dumps(timings))


def _path_without_inkling() -> tuple[str, str]:
    """PATH without this repository's environment (nor any folder inside the repository), where `python3` is a
    plain Python, as on a user's machine; and that Python's version ("3.11"). Fails the test when that Python
    can import inkling all the same."""
    kept = [
        part
        for part in os.environ.get("PATH", "").split(os.pathsep)
        if part
        and not Path(part).resolve().is_relative_to(REPO)
        and part != str(Path(os.environ.get("VIRTUAL_ENV", "/nonexistent")) / "bin")
    ]
    path = os.pathsep.join(kept)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    probe = subprocess.run(
        ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2]); import inkling"],
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
    )
    version = probe.stdout.strip()
    if version not in ("3.11", "3.12", "3.13") or probe.returncode == 0:
        pytest.fail(
            f"the first-run test needs a python3 3.11-3.13 on PATH without inkling: {probe.stdout}{probe.stderr}"
        )
    return path, version


def test_a_first_run_with_only_python_installs_the_platform_vsix_and_shows_ghost_text(tmp_path: Path) -> None:
    """No setting, no virtual environment, no Python extension: the platform .vsix's own server runs on the
    python3 found on PATH."""
    timings: dict[str, float] = {}
    mark = _timer(timings)
    path, python = _path_without_inkling()
    tools = _setup()
    mark("setup")
    # Only that Python's libraries (the three-Python build is the same script with one more download each).
    vsix = _package("package:platform", "inkling-linux-x64-{version}.vsix", PYTHONS=python)
    mark("package")

    session = _drive(tmp_path, tools, vsix, SETTINGS, {}, path, mark, first_run=True)  # no inkling.* setting
    _assert_accepted(session)
    assert "(bundled with the extension); starting" in session.logs, session.diagnosis
    assert session.seen["status"] == "Inkling: ready", session.seen
    timings.update({f"browser: {step}": value for step, value in session.seen["timings"].items()})
    timings["vsix MB"] = round(vsix.stat().st_size / 1e6, 1)
    (ARTIFACTS / "first_run" / "timing.json").write_text(json.dumps(timings, indent=2))
    print(
        "First-run E2E timing (s since the test began; browser steps since the browser began):",
        json.dumps(timings),
    )
