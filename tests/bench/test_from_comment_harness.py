"""The code-from-a-comment tasks are well formed and satisfiable, and the harness that runs untrusted candidates fails what it should, fast."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.comment_tasks import TASKS, Task
from bench.from_comment import Outcome, pass_at, program_for, prompt_source, run_candidate

# What the generator should write after each prompt: a whole function after a comment-only prompt, the
# indented body after a signature.
REFERENCE = {
    "add": "def add(a, b):\n    return a + b\n",
    "max_of_three": "def largest(a, b, c):\n    return max(a, b, c)\n",
    "is_even": "def is_even(n):\n    return n % 2 == 0\n",
    "square": "def square(x):\n    return x * x\n",
    "mean": "def mean(numbers):\n    return sum(numbers) / len(numbers)\n",
    "count_vowels": "def count_vowels(s):\n    return sum(c in 'aeiou' for c in s.lower())\n",
    "reverse_string": "def reverse(s):\n    return s[::-1]\n",
    "is_palindrome": "def is_palindrome(s):\n    return s == s[::-1]\n",
    "factorial": (
        "def factorial(n):\n    result = 1\n    for i in range(2, n + 1):\n        result *= i\n    return result\n"
    ),
    "fibonacci": "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    "dedupe": "def dedupe(items):\n    return list(dict.fromkeys(items))\n",
    "word_count": "def word_count(sentence):\n    return len(sentence.split())\n",
    "celsius_to_fahrenheit": "def to_fahrenheit(c):\n    return c * 9 / 5 + 32\n",
    "maximum": "def maximum(values):\n    return max(values)\n",
    "evens": "def evens(numbers):\n    return [n for n in numbers if n % 2 == 0]\n",
    "is_leap_year": "def is_leap(year):\n    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n",
    "gcd": "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return abs(a)\n",
    "flatten": "def flatten(lists):\n    return [x for inner in lists for x in inner]\n",
    "digit_sum": "def digit_sum(n):\n    return sum(int(d) for d in str(n))\n",
    "merge_dicts": "def merge(a, b):\n    return {**a, **b}\n",
    "char_counts": (
        "def char_counts(s):\n    counts = {}\n    for c in s:\n        counts[c] = counts.get(c, 0) + 1\n"
        "    return counts\n"
    ),
    "sort_by_length": "def sort_by_length(strings):\n    return sorted(strings, key=len)\n",
    "title_case": "def title(sentence):\n    return ' '.join(w[:1].upper() + w[1:] for w in sentence.split(' '))\n",
    "all_positive": "def all_positive(numbers):\n    return all(n > 0 for n in numbers)\n",
    "reverse_words": "    return ' '.join(reversed(sentence.split()))\n",
    "smallest": "    return sorted(numbers)[:n]\n",
    "count_nonblank_lines": "    return sum(1 for line in text.splitlines() if line.strip())\n",
    "keys_by_value": "    return sorted(counts, key=counts.get, reverse=True)\n",
    "invert": "    return {value: key for key, value in mapping.items()}\n",
    "chunks": "    return [items[i : i + size] for i in range(0, len(items), size)]\n",
    "is_anagram": "    return sorted(a) == sorted(b)\n",
    "clamp": "    return max(low, min(value, high))\n",
    "extension": "    _, dot, ext = filename.rpartition('.')\n    return ext if dot else ''\n",
    "snake_to_camel": "    first, *rest = name.split('_')\n    return first + ''.join(part.title() for part in rest)\n",
    "running_total": (
        "    totals, total = [], 0\n    for n in numbers:\n        total += n\n        totals.append(total)\n"
        "    return totals\n"
    ),
    "first_negative": (
        "    for i, n in enumerate(numbers):\n        if n < 0:\n            return i\n    return -1\n"
    ),
    "word_frequencies": "    from collections import Counter\n\n    return Counter(text.split())\n",
    "product": "    result = 1\n    for n in numbers:\n        result *= n\n    return result\n",
    "is_prime": (
        "    if n < 2:\n        return False\n    return all(n % d for d in range(2, int(n**0.5) + 1))\n"
    ),
    "second_largest": "    return sorted(set(numbers))[-2]\n",
    "remove_whitespace": "    return ''.join(text.split())\n",
    "pairs": "    return list(zip(first, second))\n",
    "group_by_initial": (
        "    groups = {}\n    for word in words:\n        groups.setdefault(word[0], []).append(word)\n"
        "    return groups\n"
    ),
    "to_seconds": "    return hours * 3600 + minutes * 60 + seconds\n",
    "middle": "    return items[(len(items) - 1) // 2]\n",
    "double_chars": "    return ''.join(c * 2 for c in text)\n",
    "count_above": "    return sum(1 for n in numbers if n > threshold)\n",
    "distance": "    return ((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) ** 0.5\n",
}
# A plausible wrong answer for each prompt kind.
WRONG = {"add": "def add(a, b):\n    return a - b\n", "reverse_words": "    return sentence[::-1]\n"}
FAST = 2.0  # seconds a candidate may run in these tests


def program(task: Task, candidate: str) -> str:
    source, line = prompt_source(task)
    return program_for(source, line, candidate)


def run_all(jobs: list[tuple[str, str, str | None]]) -> Iterator[Outcome]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield from pool.map(lambda job: run_candidate(job[0], job[1], job[2], FAST), jobs)


ADD = next(task for task in TASKS if task.name == "add")


def test_enough_unique_tasks_of_both_kinds() -> None:
    names = [task.name for task in TASKS]
    assert len(names) >= 45 and len(set(names)) == len(names)
    kinds = [task.kind for task in TASKS]
    assert kinds.count("comment") >= 20 and kinds.count("signature") >= 20
    assert ADD.prompt == "# return the sum of two numbers" and ADD.entry is None
    for task in TASKS:
        first, *rest = task.prompt.split("\n")
        assert first.startswith("# ") and len(rest) == (task.kind == "signature")
        if rest:
            assert rest[0].startswith(f"def {task.entry}(") and rest[0].endswith(":")
        else:  # comment-only: the generator chooses the argument names, so the tests use positions only
            assert "=" not in task.tests.replace("==", "").replace("<=", "").replace(">=", "")
        compile(task.tests, task.name, "exec")
        assert task.tests.count("assert ") >= 2 and "candidate(" in task.tests


def test_every_reference_solution_passes_and_wrong_ones_fail() -> None:
    assert set(REFERENCE) == {task.name for task in TASKS}
    jobs = [(program(task, REFERENCE[task.name]), task.tests, task.entry) for task in TASKS]
    jobs += [
        (program(task, WRONG[task.name]), task.tests, task.entry) for task in TASKS if task.name in WRONG
    ]
    outcomes = list(run_all(jobs))
    failures = {task.name: o.reason for task, o in zip(TASKS, outcomes, strict=False) if not o.passed}
    assert failures == {}
    wrong = outcomes[len(TASKS) :]
    assert len(wrong) == len(WRONG) and not any(o.passed for o in wrong)
    assert wrong[0].reason == "assertion failed: assert candidate(2, 3) == 5"


def test_the_program_is_the_prompt_then_the_candidate() -> None:
    task = next(task for task in TASKS if task.name == "reverse_words")
    source, line = prompt_source(task)
    assert line == 1
    body = "    return sentence\n"
    assert program_for(source, line, body) == task.prompt + "\n" + body
    assert program_for("x = 1\n# c\ny = 2\n", 1, "z = 3\n") == "x = 1\n# c\nz = 3\ny = 2\n"


def test_an_endless_loop_times_out_without_hanging() -> None:
    started = time.perf_counter()
    outcome = run_candidate("def add(a, b):\n    while True:\n        pass\n", ADD.tests, None, timeout_s=1.0)
    assert time.perf_counter() - started < 5
    assert not outcome.passed and outcome.reason.startswith("timeout")


@pytest.mark.parametrize(
    ("candidate", "entry", "reason"),
    [
        ("def add(a, b)\n    return a + b\n", None, "syntax error: line 2"),
        ("x = 1\n", None, "no function defined"),
        ("def plus(a, b):\n    return a + b\n", "add", "no function named add"),
        ("def add(a, b):\n    return a + b\n1 / 0\n", None, "error while defining: ZeroDivisionError"),
        ("def add(a, b):\n    return a + c\n", None, "NameError: name 'c' is not defined in: assert"),
        (
            "import sys\ndef add(a, b):\n    return a + b\nsys.exit(0)\n",
            None,
            "error while defining: SystemExit",
        ),
        ("import os\nos._exit(0)\n", None, "exited with status 0 before the tests ran"),
        ("x = ' ' * (2 << 30)\n", None, "error while defining: MemoryError"),
        ("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n", None, "output too large"),
    ],
)
def test_broken_candidates_fail_with_a_reason(candidate: str, entry: str | None, reason: str) -> None:
    outcome = run_candidate(program(ADD, candidate), ADD.tests, entry, timeout_s=FAST)
    assert not outcome.passed
    assert outcome.reason.startswith(reason), outcome.reason


def test_printing_does_not_pass_for_passing() -> None:
    candidate = "def add(a, b):\n    print('PASS')\n    return 0\n"
    outcome = run_candidate(program(ADD, candidate), ADD.tests, None, timeout_s=FAST)
    assert not outcome.passed and "PASS" in outcome.output


def test_candidates_run_isolated() -> None:
    tests = (
        "import os, sys\n"
        "assert candidate() == []\n"
        "assert set(os.environ) <= {'PATH', 'LC_CTYPE'}\n"  # Python may set LC_CTYPE itself (PEP 538)
        "assert sys.flags.isolated and sys.stdin.read() == ''\n"
        "assert os.path.basename(os.getcwd()).startswith('inkling_candidate_')\n"
    )
    ours = {"candidate.py", "tests.py", "stdout.txt", "stderr.txt", "verdict.txt"}
    candidate = f"import os\ndef listing():\n    return sorted(set(os.listdir()) - {ours!r})\n"
    outcome = run_candidate(candidate, tests, None, timeout_s=FAST)
    assert outcome.passed, outcome.reason


def test_pass_at_counts_tasks_where_one_of_the_first_k_passed() -> None:
    results = [[True, False], [False, True], [False, False, False, False, False, True], []]
    assert pass_at(results, 1) == 0.25
    assert pass_at(results, 2) == 0.5
    assert pass_at(results, 5) == 0.5
    assert pass_at(results, 6) == 0.75
    assert pass_at([], 1) != pass_at([], 1)  # NaN: no tasks, no rate
    with pytest.raises(ValueError):
        pass_at(results, 0)
