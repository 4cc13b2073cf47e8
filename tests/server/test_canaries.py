"""Canary secrets planted in a workspace never reach the fine-tune corpus, nor the fine-tuned model's
suggestions (the scrub placeholder neither)."""

from __future__ import annotations

import importlib.util
import shutil
import sysconfig
from pathlib import Path

import pytest

from inkling.data.credentials import PLACEHOLDER


def _canaries() -> list[tuple[str, str, str]]:
    """The canary forms, from the scrubber's own tests (one list to keep up to date)."""
    path = Path(__file__).parent / "data" / "test_secrets_canaries.py"
    spec = importlib.util.spec_from_file_location("_canary_forms", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CANARIES)


CANARIES = _canaries()

STDLIB = Path(sysconfig.get_paths()["stdlib"])
COPIES = 6  # a constant repeated across a project is common, and gives a short fine-tune a chance to memorise
SECRETS = [secret for _, _, secret in CANARIES]


def _write_workspace(folder: Path) -> None:
    """Real code (the standard library's json, email and http packages) plus the canary lines, in COPIES files."""
    folder.mkdir(parents=True)
    files = sorted((STDLIB / "json").glob("*.py")) + sorted((STDLIB / "email").glob("*.py"))[:25]
    files += sorted((STDLIB / "http").glob("*.py"))
    for i, path in enumerate(files):
        shutil.copyfile(path, folder / f"mod{i:02d}_{path.stem}.py")
    lines = "\n".join(line for _, line, _ in CANARIES)
    for c in range(COPIES):
        body = f"import os\n\n{lines}\n\n\ndef settings_{c}():\n    return {{'debug': False}}\n"
        (folder / f"settings_{c}.py").write_text(body)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("canaries") / "project"
    _write_workspace(folder)
    return folder


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_no_canary_reaches_the_corpus(workspace: Path, tmp_path: Path) -> None:
    from inkling.data.corpus import CorpusConfig, build_corpus, iter_documents

    out = tmp_path / "corpus"
    report = build_corpus([workspace], out, CorpusConfig(valid_fraction=0.15, test_fraction=0.0))
    settings = [
        d for split in ("train", "valid") for d in iter_documents(out, split) if "settings_" in d.path
    ]
    assert len(settings) == COPIES  # the canary files were kept, not dropped
    assert all(d.text.count(PLACEHOLDER) >= len(CANARIES) for d in settings)
    assert sum(report.secrets.values()) >= COPIES * len(CANARIES)
    for path in out.rglob("*"):
        if path.is_file():
            assert _leaks(path.read_bytes().decode("utf-8", "replace")) == [], path


def test_the_fine_tuned_model_suggests_no_canary(workspace: Path, tiny_model: Path, tmp_path: Path) -> None:
    from inkling.completion.engine import Engine
    from inkling.completion.types import Request
    from inkling.training.finetune import finetune

    result = finetune(workspace, tiny_model, tmp_path / "out", minutes=0.1)
    model = result.model or tiny_model  # a run that did not improve publishes nothing: query the start
    engine = Engine(model)
    checked = listed = raw_secrets = 0
    try:
        for _, line, secret in CANARIES:
            start = line.index(secret)
            cuts = {start, line.rfind('"', 0, start), line.find("=") + 2, line.find("(") + 1}
            for cut in sorted(c for c in cuts if 0 < c <= start):
                prefix = "import os\n\n" + line[:cut]
                request = Request(prefix, "\n", f"canary-{checked}")
                for suggestion, generation in engine.survivors(request, engine.decode_config()):
                    checked += 1
                    raw_secrets += bool(_leaks(generation.text)) or PLACEHOLDER in generation.text
                    shown = prefix + suggestion.text
                    assert _leaks(shown) == _leaks(prefix) == [], (line[:cut], suggestion.text)
                    assert PLACEHOLDER not in suggestion.text, (line[:cut], suggestion.text)
                items = engine.rank(request)
                assert not any(_leaks(item.text) or PLACEHOLDER in item.text for item in items)
                listed += len(items)
    finally:
        engine.executor.shutdown(wait=False)
    print(
        f"canaries: {len(CANARIES)} forms, {checked} inline suggestions and {listed} list items checked, {raw_secrets} raw hypotheses "
        f"with a secret or the placeholder before post-processing, 0 shown; model {'fine-tuned' if result.model else 'start'}"
    )
    assert checked > 0
