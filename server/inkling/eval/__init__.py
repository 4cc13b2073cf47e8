"""Evaluation: line-completion metrics, cut points and the n-gram baseline."""
