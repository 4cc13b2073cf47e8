"""Entry point for `python -m inkling`; the folder it was started in is taken off the import path first, so
a project's `argparse.py` is never imported in its place (`-P` / PYTHONSAFEPATH do this from the start)."""

import os
import sys

if (
    not sys.flags.safe_path
    and sys.path
    and os.path.realpath(sys.path[0] or ".") == os.path.realpath(os.getcwd())
):
    del sys.path[0]

from inkling.cli import main

raise SystemExit(main())
