"""jedi in a child process of its own: its pure-Python analysis never holds the server's interpreter lock
(in-process, it slowed the model thread's answers while typing), and the user's code it reads stays out of
the server's memory. The child speaks JSON lines on stdin/stdout: {"op", "args"} in, {"ok"} or {"error"} out.

jedi only parses the user's code: `auto_import_modules` is emptied, the project has no smart sys.path (only
the folder that a document's package imports itself from is added, for jedi to read) and unsafe extensions are
never loaded, so nothing of the user's project is imported or run; the child starts with `-P` in an empty
folder, so nothing there is imported either.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

log = logging.getLogger("inkling.context")
OPS = ("complete", "imports")  # what the parent may ask


class JediProcess:
    """The parent's handle on the child: one call at a time (the analyzer's worker thread makes them)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._folder = tempfile.mkdtemp(prefix="inkling-jedi-")
        self._lock = threading.Lock()

    def call(self, op: str, **args: Any) -> Any:
        """The child's answer to `op`. A child found dead is started again once; RuntimeError when it fails."""
        request = json.dumps({"op": op, "args": args}).encode() + b"\n"
        with self._lock:
            for attempt in range(2):
                process = self._started()
                assert process.stdin is not None and process.stdout is not None
                try:
                    process.stdin.write(request)
                    process.stdin.flush()
                    line = process.stdout.readline()
                except (OSError, ValueError):
                    line = b""
                if line:
                    answer = json.loads(line)
                    if "error" in answer:
                        raise RuntimeError(answer["error"])
                    return answer["ok"]
                self._stop(process)
                log.warning("the jedi process exited%s", "; starting it again" if attempt == 0 else "")
            raise RuntimeError("the jedi process exited")

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._stop(self._process)
        shutil.rmtree(self._folder, ignore_errors=True)

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", "inkling.context.jedi_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=self._folder,
                env={**os.environ, "PYTHONSAFEPATH": "1"},
            )
        return self._process

    def _stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.kill()
            process.wait()
        self._process = None


class Jedi:
    """The child's side: jedi Scripts for documents, a project per folder."""

    def __init__(self) -> None:
        import jedi

        jedi.settings.auto_import_modules = []
        self.jedi = jedi
        self.environment = jedi.InterpreterEnvironment()
        self.projects: dict[str, Any] = {}
        # The project of documents without a path, in the parent's folder (the child's working directory),
        # which the parent removes: a killed child leaves nothing behind.
        self.scratch = tempfile.mkdtemp(prefix="inkling-context-", dir=os.getcwd())

    def complete(self, source: str, path: str | None, uri: str, line: int, column: int) -> list[str]:
        """The names jedi completes at (line 1-based, column 0-based)."""
        return sorted({c.name for c in self._script(source, path, uri).complete(line, column)})

    def imports(self, source: str, path: str | None, uri: str) -> list[str]:
        """The modules the document imports at its top level (full names)."""
        names = self._script(source, path, uri).get_names(all_scopes=False, definitions=True)
        return sorted({n.full_name for n in names if n.type == "module" and n.full_name})

    def _script(self, source: str, path: str | None, uri: str) -> Any:
        """A jedi Script for `source`; without a path, a made-up one per uri so that parso diff-parses edits."""
        if path is None and uri:
            digest = hashlib.blake2b(uri.encode("utf-8", "replace"), digest_size=8).hexdigest()
            path = str(Path(self.scratch) / f"document_{digest}.py")
        folder = str(Path(path).parent) if path else self.scratch
        project = self.projects.get(folder)
        if project is None:
            if len(self.projects) >= 64:
                self.projects.clear()
            project = self.jedi.Project(
                path=folder,
                added_sys_path=[str(_import_root(Path(folder)))],
                smart_sys_path=False,
                load_unsafe_extensions=False,
            )
            self.projects[folder] = project
        return self.jedi.Script(code=source, path=path, environment=self.environment, project=project)


def _import_root(folder: Path) -> Path:
    """Where the absolute imports of the package holding `folder` start (`from mako import util` inside
    mako/): the folder above its topmost `__init__.py`; `folder` itself when it is no package."""
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Answer requests until stdin closes or stdout breaks (the server exited)."""
    worker = Jedi()
    try:
        for line in stdin:
            try:
                request = json.loads(line)
                if request["op"] not in OPS:
                    raise ValueError(f"no such operation: {request['op']!r}")
                answer: dict[str, Any] = {"ok": getattr(worker, request["op"])(**request["args"])}
            except Exception as exc:  # one bad document costs one answer, never the process
                answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
            stdout.write(json.dumps(answer).encode() + b"\n")
            stdout.flush()
    except BrokenPipeError:  # the server exited while an answer was on its way: nobody is left to read it
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())  # no second error at interpreter exit
    finally:
        shutil.rmtree(worker.scratch, ignore_errors=True)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
