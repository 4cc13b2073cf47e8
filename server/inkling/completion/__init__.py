"""Completion domain logic that sits between the editor and the model (no torch, libcst or pygls)."""
