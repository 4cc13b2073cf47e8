"""The file's own style and syntax: the only layer that imports libcst."""
