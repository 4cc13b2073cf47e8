"""Keystrokes saved with the workspace index off and on (EVALUATION.md's replay, in process through the engine).

    .venv/bin/python -m bench.repo_keystrokes PACKAGE_FOLDERS... [--files 3] [--chars 1500] [--seed 0]

Per package, `--files` seeded files (larger than `--chars`) are typed from their start, the first `--chars`
characters in whole lines; each typed file is removed from a copy of the package that is the workspace, so
the index never holds what is being typed. Whole-file state is off (the replay has no background thread).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.keystrokes import KeystrokeConfig, Replay, replay_engine, total
from inkling.completion.engine import Engine
from inkling.settings import Settings

MODEL = Path(__file__).resolve().parents[1] / "server" / "inkling" / "assets" / "default"


def main(args: argparse.Namespace) -> None:
    results: dict[bool, list[Replay]] = {False: [], True: []}
    for folder in args.folders:
        files = sorted(p for p in folder.rglob("*.py") if p.stat().st_size > args.chars)
        random.Random(args.seed).shuffle(files)
        for path in files[: args.files]:
            text = path.read_text(encoding="utf-8")
            with tempfile.TemporaryDirectory(prefix="inkling-keys-") as temp:
                copy = Path(temp) / folder.name
                shutil.copytree(folder, copy)
                (copy / path.relative_to(folder)).unlink()
                for index in (False, True):
                    engine = Engine(MODEL, Settings(workspace_index=index, whole_file_state=False))
                    try:
                        if index:
                            engine.open_workspace([copy.resolve()])
                            while engine.project is not None and not engine.project.stats()["built"]:
                                time.sleep(0.1)
                        replay = replay_engine(engine, str(path), text, KeystrokeConfig(max_chars=args.chars))
                    finally:
                        engine.close()
                    results[index].append(replay)
                    print(f"{path} index {'on' if index else 'off'}: saved {replay.saved:.1f}%", flush=True)
    for index, replays in results.items():
        print(
            f"index {'on ' if index else 'off'}: keystrokes saved {total(replays).saved:.1f}% of "
            f"{total(replays).chars} characters"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    main(parser.parse_args())
