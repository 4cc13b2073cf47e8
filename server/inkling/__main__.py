"""Entry point for `python -m inkling`."""

from inkling.cli import main

raise SystemExit(main())
