#!/usr/bin/env bash
# Does "Train on This Workspace" help on that workspace? jedi 0.19.1 (MIT; not in the corpus) stands for a
# user's project: fine-tune on 70% of its files (chosen by a hash of the path), then score the model before
# and after on the other 30%, on the same cut points. Run from the repository root with the venv active.
set -euo pipefail
MODEL=${MODEL:-server/inkling/assets/default}
MINUTES=${MINUTES:-5}
WORK=runs/finetune_jedi
mkdir -p runs/heldout "$WORK"
if [ ! -d runs/heldout/jedi-0.19.1 ]; then
  pip download --no-deps jedi==0.19.1 -d runs/heldout
  python -m zipfile -e runs/heldout/jedi-0.19.1-py2.py3-none-any.whl runs/heldout/jedi-0.19.1
fi
rm -rf "$WORK/project" "$WORK/eval"
python - "$WORK" <<'PY'
import hashlib, shutil, sys
from pathlib import Path

work, root = Path(sys.argv[1]), Path("runs/heldout/jedi-0.19.1")
for path in sorted((root / "jedi").rglob("*.py")):
    rel = path.relative_to(root)
    part = "project" if int(hashlib.sha1(str(rel).encode()).hexdigest(), 16) % 10 < 7 else "eval"
    (work / part / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, work / part / rel)
PY
inkling finetune "$WORK/project" --model "$MODEL" --out "$WORK/model" --minutes "$MINUTES"
inkling eval --model "$MODEL" --files "$WORK/eval" --cuts 500 --no-baseline --json "$WORK/before.json"
inkling eval --model "$WORK/model/model" --files "$WORK/eval" --cuts 500 --no-baseline --json "$WORK/after.json"
