"""Tests for scrubbing credentials out of source text."""

from __future__ import annotations

import ast
import random
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from inkling.data.credentials import PLACEHOLDER, is_high_entropy, shannon_entropy
from inkling.data.secrets import scrub

# Fake credentials are assembled at run time so that no secret scanner flags this file.
RNG = random.Random(20240611)
B62 = string.ascii_letters + string.digits


def rand(alphabet: str, n: int) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


AWS = "AK" + "IA" + rand(string.ascii_uppercase + string.digits, 16)
GITHUB = "gh" + "p_" + rand(B62, 36)
GITHUB_PAT = "github" + "_pat_" + rand(B62 + "_", 82)
SLACK = "xo" + "xb-" + rand(string.digits, 12) + "-" + rand(string.digits, 12) + "-" + rand(B62, 24)
OPENAI = "sk" + "-proj-" + rand(B62 + "-_", 48)
STRIPE = "sk" + "_live_" + rand(B62, 24)
GOOGLE = "AI" + "za" + rand(B62 + "-_", 35)
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + rand(B62 + "+/", 18)
PEM_BODY = "\n".join(rand(B62 + "+/", 64) for _ in range(6))
PRIVATE_KEY = "-----BEGIN RSA " + f"PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA " + "PRIVATE KEY-----"
CERTIFICATE = "-----BEGIN CERTIFICATE-----\n" + PEM_BODY + "\n-----END CERTIFICATE-----"


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        (AWS, "aws_access_key"),
        (GITHUB, "github_token"),
        (GITHUB_PAT, "github_token"),
        (SLACK, "slack_token"),
        (OPENAI, "openai_key"),
        (STRIPE, "stripe_key"),
        (GOOGLE, "google_api_key"),
        (AWS_SECRET, "high_entropy"),
    ],
)
def test_each_token_kind_is_replaced_inside_its_quotes(token: str, kind: str) -> None:
    source = f'client = connect(\n    "{token}",\n    timeout=3,\n)\n'
    text, counts = scrub(source)
    assert text == f'client = connect(\n    "{PLACEHOLDER}",\n    timeout=3,\n)\n'
    assert counts == {kind: 1}


def test_tokens_in_comments_are_replaced_too() -> None:
    text, counts = scrub(f"# old key: {AWS} (revoked)\nx = 1\n")
    assert text == f"# old key: {PLACEHOLDER} (revoked)\nx = 1\n"
    assert counts == {"aws_access_key": 1}


def test_private_key_block_is_scrubbed_and_certificate_kept() -> None:
    source = f'KEYCERT = """\n{PRIVATE_KEY}\n{CERTIFICATE}\n"""\n'
    text, counts = scrub(source)
    assert counts == {"private_key": 1}
    assert text == f'KEYCERT = """\n{PLACEHOLDER}\n{CERTIFICATE}\n"""\n'
    ast.parse(text)


def test_private_key_without_end_line_is_scrubbed() -> None:
    source = f'KEY = """-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n"""\n'
    text, counts = scrub(source)
    assert counts == {"private_key": 1}
    assert text == f'KEY = """{PLACEHOLDER}\n"""\n'


def test_url_password_is_replaced_and_templates_are_not() -> None:
    source = (
        'DB = "postgres://admin:' + "hunter22" + '@db.example.com/app"\n'
        'TEMPLATE = "https://{user}:{password}@example.com/"\n'
        'PLAIN = "https://docs.python.org/3/library/tokenize.html"\n'
    )
    text, counts = scrub(source)
    assert counts == {"url_password": 1}
    assert f'"postgres://admin:{PLACEHOLDER}@db.example.com/app"' in text
    assert "{user}:{password}@example.com" in text
    assert "https://docs.python.org/3/library/tokenize.html" in text


@pytest.mark.parametrize(
    "line",
    [
        'password = "' + "hunter2hunter2" + '"',
        'DB_PASSWORD: str = "' + "correct-horse" + '"',
        'settings = {"api_key": "' + "abc123xyz789" + '"}',
        'login(user, passwd="' + "s3cr3t-pass" + '")',
        "self.client_secret = b'" + "Zm9vYmFyYmF6" + "'",
        'API_KEY = "' + "p4$$w0rd%21!x" + '"',
    ],
)
def test_values_given_to_secret_names_are_scrubbed(line: str) -> None:
    text, counts = scrub(line + "\n")
    assert counts == {"assigned_secret": 1}
    assert PLACEHOLDER in text
    ast.parse(text)


@pytest.mark.parametrize(
    "line",
    [
        'password = ""',
        'password = os.environ["PASSWORD"]',
        'password_prompt = "Password: "',
        'password = f"{user}-{suffix}!!"',
        'secret_len = len("abcdefgh")',
        'label = "password"',
        'password = "${DB_PASSWORD}"',
        'query = {"password": "%(password)s"}',
    ],
)
def test_secret_names_without_a_credential_value_are_left_alone(line: str) -> None:
    assert scrub(line + "\n") == (line + "\n", {})


NORMAL_CODE = '''"""Utilities for the tokenizer test-suite: nothing in here is a secret at all."""

import hashlib

DOCS = "https://docs.python.org/3/library/tokenize.html"
SITE = "/usr/local/lib/python3.11/site-packages/setuptools-69.0.3.dist-info"
ABI = "PyUnicode_AsUTF8AndSize"
NAME = "test_urllib2_localnet_basic_auth_handler_works_with_proxies"
DOTTED = "xml.etree.ElementTree.XMLPullParser"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
VECTOR = b"\\x8f\\xa3\\x12\\x00\\x9c\\x7e\\x44\\x21\\x0a\\xbb\\xcc\\xdd\\xee\\xff"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
HEX_FLOAT = "0x1.3052b9c072678p-2"
MIME = "application/x-www-form-urlencoded"
BUILD = "/tmp/python-build.20260509073455.222/Python-3.11.7/coverage.info"
UUID = "123e4567-e89b-12d3-a456-426614174000"


def digest(data: bytes) -> str:
    """Return the hexadecimal SHA-256 digest of data, the way the reference implementation does."""
    return hashlib.sha256(data).hexdigest()
'''


def test_ordinary_code_is_untouched() -> None:
    assert scrub(NORMAL_CODE) == (NORMAL_CODE, {})


def test_high_entropy_rule_on_its_own() -> None:
    assert is_high_entropy(AWS_SECRET)
    assert is_high_entropy("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r")
    assert not is_high_entropy("test_urllib2_localnet_basic_auth_handler")
    assert not is_high_entropy("Short1aB")
    assert not is_high_entropy("has whitespace Zx9Qp2Lm7Rt4Kv8Wn3")


def test_high_entropy_catches_most_random_tokens() -> None:
    rng = random.Random(7)
    tokens = ["".join(rng.choice(B62) for _ in range(32)) for _ in range(500)]
    assert sum(map(is_high_entropy, tokens)) >= 475


def test_shannon_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0


def test_counts_every_occurrence_and_keeps_string_prefixes() -> None:
    source = f"A = b'{AWS_SECRET}'\nB = r\"{AWS_SECRET[::-1]}\"\nC = '{GITHUB}'\n"
    text, counts = scrub(source)
    assert text == f"A = b'{PLACEHOLDER}'\nB = r\"{PLACEHOLDER}\"\nC = '{PLACEHOLDER}'\n"
    assert counts == {"high_entropy": 2, "github_token": 1}


FRAGMENTS = [
    "x = 1\n",
    f'key = "{AWS}"\n',
    f"t = '{GITHUB}'\n",
    f'"""\n{PRIVATE_KEY}\n"""\n',
    "-----BEGIN PRIVATE KEY-----\n",
    f"s = b'{AWS_SECRET}'\n",
    'password = "hunter2hunter2"\n',
    'u = "ftp://joe:pw12@host/"\n',
    "'''",
    '"',
    "    ",
    "def f(:\n",
    f"# {SLACK}\n",
    f'"{STRIPE}" "{GOOGLE}"\n',
    PLACEHOLDER,
    f"{OPENAI}",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="\"'#:=@/{}\\ \nab1-_<>", max_size=12)),
        max_size=12,
    )
)
@example(["s = b'wJalrXUtnFEMI/K7MDENG/HLKv797TPNbpjava1b'\n", ":", 'password = "hunter2hunter2"\n'])
def test_scrub_is_idempotent(parts: list[str]) -> None:
    once, _ = scrub("".join(parts))
    twice, counts = scrub(once)
    assert twice == once
    assert counts == {}


def test_scrubbed_file_still_parses() -> None:
    source = f'"""Config."""\nAWS = "{AWS}"\nKEY = """\n{PRIVATE_KEY}\n"""\npassword = "hunter2hunter2"\n'
    text, counts = scrub(source)
    assert sum(counts.values()) == 3
    tree = ast.parse(text)
    assert len(tree.body) == 4
