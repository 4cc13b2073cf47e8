"""Settings from initializationOptions and didChangeConfiguration take effect at run time; bad ones warn."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from tests.lsp.session import MODEL, run, serve

from inkling.serving.checkpoint import load_checkpoint, save_checkpoint

URI = "file:///tmp/settings.py"
SOURCE = "import os\n\n\ndef size(path):\n    return os.path.\n"


def test_initialization_options_disable_inline_suggestions() -> None:
    async def session() -> None:
        async with serve({"enabled": False}) as client:
            assert client.statuses[-1]["state"] == "disabled"
            client.open(URI, SOURCE)
            assert await client.inline_text(URI, 4, 19) is None
            client.configure({"enabled": True})
            assert await client.inline_text(URI, 4, 19)
            assert client.statuses[-1]["state"] == "ready"

    run(session())


def test_settings_change_at_run_time_and_invalid_values_fall_back_with_a_warning() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            full = await client.inline_text(URI, 4, 19)
            assert full is not None

            client.configure({"maxTokens": 1, "beamWidth": 1})
            short = await client.inline_text(URI, 4, 19)
            assert short is None or len(short) < len(full) or len(full) <= 3

            client.configure({"maxTokens": "lots", "minConfidence": 7, "noSuchSetting": 1})
            again = await client.inline_text(URI, 4, 19)
            assert again == full  # both bad values fell back to their defaults
            warnings = " ".join(log.message for log in client.logs)
            assert "maxTokens" in warnings and "minConfidence" in warnings and "noSuchSetting" in warnings

            client.configure({"minConfidence": 1.0})  # nothing is that sure
            assert await client.inline_text(URI, 4, 19) is None

    run(session())


def test_a_broken_model_path_keeps_the_current_model(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")

    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            client.configure({"modelPath": str(broken)})
            error = await client.logged(str(broken))
            assert error.type == types.MessageType.Error and "cannot load" in error.message
            assert await client.inline_text(URI, 4, 19)  # still served by the shipped model
            info = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("inkling.modelInfo")
            )
            assert info["name"] == "default" and info["parameters"] > 1_000_000

    run(session())


def test_a_model_with_nan_weights_is_refused_and_the_current_model_stays(tmp_path: Path) -> None:
    shipped = load_checkpoint(MODEL)
    tensors = dict(shipped.tensors)
    name = sorted(tensors)[0]
    tensors[name] = tensors[name].copy()
    tensors[name].flat[0] = float("nan")
    broken = tmp_path / "nan"
    save_checkpoint(broken, shipped.config, shipped.tokenizer, tensors, shipped.meta, half=True)

    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            client.configure({"modelPath": str(broken)})
            error = await client.logged(str(broken))
            assert error.type == types.MessageType.Error and f"{name} holds NaN" in error.message
            assert (await client.ready())["state"] == "ready"  # the status follows the log line
            assert await client.inline_text(URI, 4, 19)  # still served by the shipped model
            info = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("inkling.modelInfo")
            )
            assert info["name"] == "default"

    run(session())
