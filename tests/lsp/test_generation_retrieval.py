"""The generating commands reuse the project's code: a function of another workspace file whose docstring reads
like the user's comment is offered first, renamed to the user's signature; without the index it is not."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types
from tests.lsp.session import apply_edit, only_edit, run, serve

VERSIONS = '''def parse_version(text):
    """Split a dotted version string into a tuple of integers."""
    parts = text.split(".")
    return tuple(int(part) for part in parts)
'''
RELEASE = """# split a dotted version string into a tuple of integers
def version_tuple(release):
    ...
"""
BODY = '    parts = release.split(".")\n    return tuple(int(part) for part in parts)\n'


def _generate(root: Path, options: dict[str, Any]) -> str:
    async def session() -> str:
        async with serve(options, folder=root) as client:
            uri = (root / "release.py").as_uri()
            client.open(uri, RELEASE)
            for _ in range(150):  # until the index has read the workspace
                info = await client.workspace_execute_command_async(
                    types.ExecuteCommandParams("inkling.modelInfo")
                )
                if not options.get("workspaceIndex", True) or (info.get("workspace") or {}).get("files") == 2:
                    break
                await asyncio.sleep(0.2)
            arguments = [uri, {"line": 1, "character": 4}]
            params = types.ExecuteCommandParams("inkling.generateCode", arguments)
            answer = await client.workspace_execute_command_async(params)
            assert answer["applied"] is True, answer
            edit, _ = only_edit(client)
            return apply_edit(RELEASE, edit)

    return run(session())  # type: ignore[no-any-return]


def test_a_project_function_is_adapted_to_the_signature(tmp_path: Path) -> None:
    root = tmp_path / "tools"
    root.mkdir()
    (root / "versions.py").write_text(VERSIONS)
    (root / "release.py").write_text(RELEASE)
    after = _generate(root, {})
    assert after == RELEASE.replace("    ...\n", BODY)
    assert BODY not in _generate(root, {"workspaceIndex": False})
