"""Offline data pipeline: collect, clean, scrub, split and transform Python source files."""
