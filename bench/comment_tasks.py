"""The "code from a comment" tasks: small prompt → function problems, each with plain-assert unit tests.

A prompt is what the user has typed before asking for code: either one comment line (the generator writes
the whole function) or a comment line and a `def` signature (the generator writes the body). Tests call the
function as `candidate`; for comment-only prompts they use positions only, never argument names, since
the generator picks the names. Written for inkling (not taken from HumanEval or MBPP); no I/O, no
randomness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DEF = re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(")


@dataclass(frozen=True)
class Task:
    """One task: a unique name, the prompt the user typed, and assert statements over `candidate`."""

    name: str
    prompt: str
    tests: str

    @property
    def entry(self) -> str | None:
        """The function the tests call: the signature's name, or None for a comment-only prompt."""
        match = _DEF.match(self.prompt.splitlines()[-1])
        return match.group(1) if match else None

    @property
    def kind(self) -> str:
        return "comment" if self.entry is None else "signature"


def _task(name: str, prompt: str, *tests: str) -> Task:
    return Task(name, prompt, "".join(f"assert {test}\n" for test in tests))


TASKS: tuple[Task, ...] = (
    # --- comment only: the generator writes the whole function
    _task(
        "add",
        "# return the sum of two numbers",
        "candidate(2, 3) == 5",
        "candidate(-1, 1) == 0",
    ),
    _task(
        "max_of_three",
        "# return the largest of three numbers",
        "candidate(1, 5, 3) == 5",
        "candidate(-1, -2, -3) == -1",
        "candidate(2, 2, 1) == 2",
    ),
    _task(
        "is_even",
        "# check whether a number is even",
        "candidate(4)",
        "not candidate(7)",
        "candidate(0)",
    ),
    _task(
        "square",
        "# return the square of a number",
        "candidate(3) == 9",
        "candidate(-4) == 16",
        "candidate(0) == 0",
    ),
    _task(
        "mean",
        "# return the average of a list of numbers",
        "candidate([1, 2, 3]) == 2",
        "candidate([5]) == 5",
        "candidate([1, 2]) == 1.5",
    ),
    _task(
        "count_vowels",
        "# count the vowels in a string",
        "candidate('banana') == 3",
        "candidate('sky') == 0",
        "candidate('') == 0",
    ),
    _task(
        "reverse_string",
        "# return the string reversed",
        "candidate('abc') == 'cba'",
        "candidate('') == ''",
        "candidate('a b') == 'b a'",
    ),
    _task(
        "is_palindrome",
        "# check whether a string is a palindrome",
        "candidate('level')",
        "not candidate('hello')",
        "candidate('')",
    ),
    _task(
        "factorial",
        "# return the factorial of n",
        "candidate(0) == 1",
        "candidate(1) == 1",
        "candidate(5) == 120",
    ),
    _task(
        "fibonacci",
        "# return the nth fibonacci number",
        "candidate(1) == 1",
        "candidate(2) == 1",
        "candidate(10) == 55",  # the same answers whether the sequence starts at 0 or at 1
    ),
    _task(
        "dedupe",
        "# remove duplicates from a list, keeping the first occurrence of each item",
        "list(candidate([3, 1, 3, 2, 1])) == [3, 1, 2]",
        "list(candidate([])) == []",
    ),
    _task(
        "word_count",
        "# return the number of words in a sentence",
        "candidate('the quick brown fox') == 4",
        "candidate('') == 0",
        "candidate('  two   words ') == 2",
    ),
    _task(
        "celsius_to_fahrenheit",
        "# convert a temperature from celsius to fahrenheit",
        "candidate(0) == 32",
        "candidate(100) == 212",
        "candidate(-40) == -40",
    ),
    _task(
        "maximum",
        "# return the maximum value in a list",
        "candidate([3, 9, 2]) == 9",
        "candidate([-5, -2]) == -2",
        "candidate([7]) == 7",
    ),
    _task(
        "evens",
        "# return a list of the even numbers in a list",
        "list(candidate([1, 2, 3, 4])) == [2, 4]",
        "list(candidate([1, 3])) == []",
    ),
    _task(
        "is_leap_year",
        "# check whether a year is a leap year",
        "candidate(2000)",
        "not candidate(1900)",
        "candidate(2024)",
        "not candidate(2023)",
    ),
    _task(
        "gcd",
        "# return the greatest common divisor of two integers",
        "candidate(12, 18) == 6",
        "candidate(7, 5) == 1",
        "candidate(0, 9) == 9",
    ),
    _task(
        "flatten",
        "# flatten a list of lists into a single list",
        "list(candidate([[1, 2], [3], []])) == [1, 2, 3]",
        "list(candidate([])) == []",
    ),
    _task(
        "digit_sum",
        "# return the sum of the digits of a non-negative integer",
        "candidate(1234) == 10",
        "candidate(0) == 0",
        "candidate(9) == 9",
    ),
    _task(
        "merge_dicts",
        "# merge two dictionaries, the values from the second one win",
        "candidate({'a': 1, 'b': 2}, {'b': 3}) == {'a': 1, 'b': 3}",
        "candidate({}, {'x': 0}) == {'x': 0}",
    ),
    _task(
        "char_counts",
        "# count how many times each character appears in a string and return a dict",
        "candidate('abca') == {'a': 2, 'b': 1, 'c': 1}",
        "candidate('') == {}",
    ),
    _task(
        "sort_by_length",
        "# sort a list of strings by their length",
        "list(candidate(['ccc', 'a', 'bb'])) == ['a', 'bb', 'ccc']",
        "list(candidate([])) == []",
    ),
    _task(
        "title_case",
        "# capitalize the first letter of each word in a sentence",
        "candidate('hello world') == 'Hello World'",
        "candidate('a') == 'A'",
    ),
    _task(
        "all_positive",
        "# return True if every number in a list is positive",
        "candidate([1, 2, 3])",
        "not candidate([1, -1])",
        "not candidate([0, 1])",
    ),
    # --- comment and signature: the generator writes the body
    _task(
        "reverse_words",
        "# reverse the words of a sentence\ndef reverse_words(sentence):",
        "candidate('hello big world') == 'world big hello'",
        "candidate('one') == 'one'",
    ),
    _task(
        "smallest",
        "# return the n smallest numbers of a list in ascending order\ndef smallest(numbers, n):",
        "list(candidate([5, 1, 4, 2], 2)) == [1, 2]",
        "list(candidate([3], 1)) == [3]",
        "list(candidate([3, 1], 0)) == []",
    ),
    _task(
        "count_nonblank_lines",
        "# count the lines of a text that are not blank\ndef count_nonblank_lines(text):",
        "candidate('a\\n\\n  \\nb\\n') == 2",
        "candidate('') == 0",
    ),
    _task(
        "keys_by_value",
        "# return the keys of a dict sorted by their values, largest first\ndef keys_by_value(counts):",
        "list(candidate({'a': 1, 'b': 3, 'c': 2})) == ['b', 'c', 'a']",
        "list(candidate({})) == []",
    ),
    _task(
        "invert",
        "# return a new dict with the keys and values swapped\ndef invert(mapping):",
        "candidate({'a': 1, 'b': 2}) == {1: 'a', 2: 'b'}",
        "candidate({}) == {}",
    ),
    _task(
        "chunks",
        "# split a list into chunks of the given size\ndef chunks(items, size):",
        "[list(c) for c in candidate([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]",
        "[list(c) for c in candidate([1, 2], 3)] == [[1, 2]]",
    ),
    _task(
        "is_anagram",
        "# return True if the two strings are anagrams of each other\ndef is_anagram(a, b):",
        "candidate('listen', 'silent')",
        "not candidate('abc', 'abd')",
        "not candidate('aab', 'ab')",
    ),
    _task(
        "clamp",
        "# clamp a value to the range from low to high\ndef clamp(value, low, high):",
        "candidate(5, 0, 10) == 5",
        "candidate(-1, 0, 10) == 0",
        "candidate(11, 0, 10) == 10",
    ),
    _task(
        "extension",
        "# return the extension of a file name without the dot, or an empty string\ndef extension(filename):",
        "candidate('report.pdf') == 'pdf'",
        "candidate('archive.tar.gz') == 'gz'",
        "candidate('README') == ''",
    ),
    _task(
        "snake_to_camel",
        "# convert a snake_case name to camelCase\ndef snake_to_camel(name):",
        "candidate('hello_world') == 'helloWorld'",
        "candidate('parse_http_response') == 'parseHttpResponse'",
        "candidate('x') == 'x'",
    ),
    _task(
        "running_total",
        "# return the running totals of a list of numbers\ndef running_total(numbers):",
        "list(candidate([1, 2, 3])) == [1, 3, 6]",
        "list(candidate([])) == []",
    ),
    _task(
        "first_negative",
        "# return the index of the first negative number, or -1 if there is none\n"
        "def first_negative(numbers):",
        "candidate([3, -1, -2]) == 1",
        "candidate([1, 2]) == -1",
        "candidate([]) == -1",
    ),
    _task(
        "word_frequencies",
        "# count the words in a text and return a dict from word to count\ndef word_frequencies(text):",
        "dict(candidate('a b a')) == {'a': 2, 'b': 1}",
        "dict(candidate('')) == {}",
    ),
    _task(
        "product",
        "# return the product of all the numbers in a list\ndef product(numbers):",
        "candidate([2, 3, 4]) == 24",
        "candidate([]) == 1",
        "candidate([5, 0]) == 0",
    ),
    _task(
        "is_prime",
        "# return True if n is a prime number\ndef is_prime(n):",
        "candidate(2) and candidate(3) and candidate(13)",
        "not candidate(1) and not candidate(0)",
        "not candidate(9) and not candidate(15)",
    ),
    _task(
        "second_largest",
        "# return the second largest distinct number in a list\ndef second_largest(numbers):",
        "candidate([4, 1, 4, 3]) == 3",
        "candidate([10, 20]) == 10",
    ),
    _task(
        "remove_whitespace",
        "# remove all the whitespace from a string\ndef remove_whitespace(text):",
        "candidate(' a b\\tc\\n') == 'abc'",
        "candidate('') == ''",
    ),
    _task(
        "pairs",
        "# pair up the items at the same positions of two lists\ndef pairs(first, second):",
        "[tuple(p) for p in candidate([1, 2], ['x', 'y'])] == [(1, 'x'), (2, 'y')]",
        "list(candidate([], [])) == []",
    ),
    _task(
        "group_by_initial",
        "# group words by their first letter into a dict of lists\ndef group_by_initial(words):",
        "candidate(['apple', 'avocado', 'banana']) == {'a': ['apple', 'avocado'], 'b': ['banana']}",
        "candidate([]) == {}",
    ),
    _task(
        "to_seconds",
        "# return the total number of seconds in a duration\ndef to_seconds(hours, minutes, seconds):",
        "candidate(1, 2, 3) == 3723",
        "candidate(0, 0, 0) == 0",
    ),
    _task(
        "middle",
        "# return the middle item of a list, the left one of the two for an even length\ndef middle(items):",
        "candidate([1, 2, 3]) == 2",
        "candidate([1, 2, 3, 4]) == 2",
        "candidate(['only']) == 'only'",
    ),
    _task(
        "double_chars",
        "# return the string with every character repeated twice\ndef double_chars(text):",
        "candidate('abc') == 'aabbcc'",
        "candidate('') == ''",
    ),
    _task(
        "count_above",
        "# count the numbers in a list that are greater than the threshold\n"
        "def count_above(numbers, threshold):",
        "candidate([1, 5, 7, 3], 4) == 2",
        "candidate([], 0) == 0",
        "candidate([4, 4], 4) == 0",
    ),
    _task(
        "distance",
        "# return the distance between two points given as (x, y) tuples\ndef distance(p, q):",
        "abs(candidate((0, 0), (3, 4)) - 5) < 1e-9",
        "candidate((1, 1), (1, 1)) == 0",
    ),
)
