"""Inkling: private, offline, trainable Python code completion from a small recurrent network."""

__version__ = "0.1.0"
