"""The style rules, one libcst transformer per module, in the order normalize applies them."""

from __future__ import annotations

from inkling.style.rules.base import Rule
from inkling.style.rules.blank_lines import BlankLines
from inkling.style.rules.indentation import Indentation
from inkling.style.rules.operators import Operators
from inkling.style.rules.punctuation import Punctuation
from inkling.style.rules.quotes import Quotes
from inkling.style.rules.whitespace import TrailingWhitespace

RULES: tuple[type[Rule], ...] = (Quotes, Operators, Punctuation, TrailingWhitespace, Indentation, BlankLines)

__all__ = ["RULES", "Rule"]
