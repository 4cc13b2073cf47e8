"""The one exception type that the command line turns into a one-line error and a non-zero exit."""


class InklingError(Exception):
    """A problem the user can act on: bad input, a missing file, a mismatched checkpoint."""
