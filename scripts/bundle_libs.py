"""Puts the server (the inkling wheel, its shipped model, its serving dependencies) for one platform under
bundled/libs, as vscode-python-tools-extension-template does, for every supported Python at once: the pure
and abi3 packages once in bundled/libs/common, each version's compiled ones in bundled/libs/cp3XY. The
extension runs the user's interpreter with common and its own version's folder on PYTHONPATH.

    python scripts/bundle_libs.py [--platforms TAG ...] [--pythons 3.11 3.12 3.13] [--out bundled/libs]
        [--vsix inkling-linux-x64-0.1.0.vsix]

With --vsix, the bundle is then added to that .vsix (one `vsce package --target` made without it) under
extension/bundled/libs: vsce itself takes over eight minutes to list and pack the bundle's 8,000 files.

Wheels only (`--only-binary :all:`), fetched from the package index for the target platform, so the bundle
can be built for another platform than this machine's (see the README: "A .vsix per platform").
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

REPO = Path(__file__).resolve().parents[1]
# Installed as dependencies of tokenizers (its hub download, which Inkling never calls: no network at run time)
# and not imported by the server: left out of the bundle (the bundle's test runs the server from it).
HUB = {"huggingface_hub", "hf_xet", "httpx2", "httpcore2", "h11", "anyio", "idna", "truststore", "fsspec", "filelock"}


def _run(*command: str | Path) -> None:
    subprocess.run([str(part) for part in command], check=True, cwd=REPO)


def _build_wheel(folder: Path) -> Path:
    """The inkling wheel (pure Python, the shipped model inside), built from this checkout."""
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", folder, ".")
    (wheel,) = folder.glob("inkling-*.whl")
    return wheel


def _install(wheel: Path, target: Path, platforms: list[str], python: str) -> None:
    _run(
        *(sys.executable, "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check"),
        *("--target", target, "--only-binary", ":all:"),
        *(part for platform in platforms for part in ("--platform", platform)),
        *("--python-version", python, "--implementation", "cp", "-c", REPO / "constraints.txt"),
        wheel,
    )


def _distributions(target: Path) -> dict[str, tuple[str, list[str]]]:
    """Each installed distribution: its wheel tags and the paths (relative to target) its RECORD lists."""
    found: dict[str, tuple[str, list[str]]] = {}
    for info in sorted(target.glob("*.dist-info")):
        tags = [
            line.split(":", 1)[1].strip()
            for line in (info / "WHEEL").read_text().splitlines()
            if line.startswith("Tag:")
        ]
        files = [row.split(",")[0] for row in (info / "RECORD").read_text().splitlines() if row]
        found[info.name] = (" ".join(tags), files)
    return found


def _version_specific(tags: str) -> bool:
    """Built for one Python version (cp311-cp311-...), not pure (py3-none-any) or the stable ABI (abi3)."""
    return any(tag.split("-")[1] not in ("none", "abi3") for tag in tags.split())


def _move(files: list[str], source: Path, destination: Path) -> None:
    for name in files:
        path = source / name
        if path.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination / name)


def bundle(out: Path, platforms: list[str], pythons: list[str]) -> dict[str, list[str]]:
    """Builds `out` (replacing it) and returns which distributions went where ("common", "cp311", ...)."""
    shutil.rmtree(out, ignore_errors=True)
    common = out / "common"
    common.mkdir(parents=True)
    summary: dict[str, list[str]] = {"common": []}
    with tempfile.TemporaryDirectory() as scratch:
        wheel = _build_wheel(Path(scratch) / "wheel")
        for python in pythons:
            staged = Path(scratch) / python
            _install(wheel, staged, platforms, python)
            abi = "cp" + python.replace(".", "")
            versioned = out / abi
            versioned.mkdir()
            summary[abi] = []
            for dist, (tags, files) in _distributions(staged).items():
                if dist.split("-")[0].lower() in HUB:
                    continue
                if _version_specific(tags):
                    _move(files, staged, versioned)
                    summary[abi].append(dist)
                elif not (common / dist).exists():
                    _move(files, staged, common)
                    summary["common"].append(dist)
    for folder in [*out.rglob("__pycache__"), *out.rglob("tests")]:  # test suites: never imported
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    record = {"platforms": platforms, "pythons": pythons, "distributions": summary}
    (out / "bundle.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return summary


def add_to_vsix(vsix: Path, bundle_dir: Path) -> int:
    """Rewrites the .vsix with every file of `bundle_dir` under extension/bundled/libs, and a content type for
    each new file extension ([Content_Types].xml: the package format wants one per extension); the number of
    files added."""
    files = sorted(p for p in bundle_dir.rglob("*") if p.is_file())
    rebuilt = vsix.with_suffix(".tmp")
    with zipfile.ZipFile(vsix) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        types = old.read("[Content_Types].xml").decode("utf-8")
        known = set(re.findall(r'Extension="([^"]*)"', types))
        wanted = {p.suffix for p in files if p.suffix} - known
        defaults = "".join(
            f"<Default Extension={quoteattr(ext)} ContentType=\"application/octet-stream\"/>" for ext in sorted(wanted)
        )
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "[Content_Types].xml":
                data = types.replace("</Types>", defaults + "</Types>").encode("utf-8")
            new.writestr(item, data)
        for path in files:
            new.write(path, "extension/bundled/libs/" + path.relative_to(bundle_dir).as_posix())
    rebuilt.replace(vsix)
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--platforms",
        nargs="+",
        default=["manylinux_2_28_x86_64", "manylinux2014_x86_64"],
        help="pip --platform tags, newest first (linux-x64's by default)",
    )
    parser.add_argument("--pythons", nargs="+", default=["3.11", "3.12", "3.13"])
    parser.add_argument("--out", type=Path, default=REPO / "bundled" / "libs")
    parser.add_argument("--vsix", type=Path, help="a .vsix to add the bundle to")
    args = parser.parse_args()
    summary = bundle(args.out.resolve(), args.platforms, args.pythons)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.out}: {size / 1e6:.1f} MB")
    for folder, names in summary.items():
        print(f"  {folder}: {', '.join(name.removesuffix('.dist-info') for name in names)}")
    if args.vsix is not None:
        added = add_to_vsix(args.vsix, args.out)
        print(f"{args.vsix}: {added:,} files added, {args.vsix.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
