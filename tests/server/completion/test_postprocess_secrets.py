"""The secrets pass: the scrub placeholder is never suggested, nor a literal that looks like a credential."""

from __future__ import annotations

import pytest

from inkling.completion.postprocess import Context, run
from inkling.completion.postprocess.secrets import has_placeholder, hide_secrets
from inkling.completion.types import Mode, Suggestion
from inkling.data.credentials import PLACEHOLDER

CURSOR = "▮"


def at(document: str, mode: Mode = "line", unsafe: str = "hide") -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, mode, None, unsafe)


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ("TOKEN = ▮\n", f'"{PLACEHOLDER}"'),
        ('DB_PASS = "▮"\n', PLACEHOLDER),
        ('DB_PASS = "▮\n', PLACEHOLDER[:5]),  # stopped half-way
        ('DB_PASS = "<SEC▮"\n', "RET>"),  # the typed text holds the start
        ("client.login(▮)\n", f'"admin", "{PLACEHOLDER}"'),
        ("HEADERS = {▮}\n", f'"Authorization": "Bearer {PLACEHOLDER}"'),
    ],
)
def test_the_placeholder_is_never_suggested(document: str, text: str) -> None:
    after = hide_secrets(Suggestion(text), at(document))
    assert after.text == ""
    assert after.notes == ("secret placeholder",)
    assert run(text, at(document)) is None


def test_a_block_is_cut_before_the_line_with_the_placeholder() -> None:
    text = f"host = 'db'\n    user = 'admin'\n    password = '{PLACEHOLDER}'\n    return host"
    after = hide_secrets(Suggestion(text, mode="block"), at("def f():\n    ▮\n", "block"))
    assert after.text == "host = 'db'\n    user = 'admin'"
    assert PLACEHOLDER not in after.text


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ("TOKEN = ▮\n", '"canary-tok-5521-zz"'),
        ('DB_PASS = "▮"\n', "Tr0ub4dor&3canary"),
        ('DB_PASS = "▮\n', "Tr0ub4dor&3canary"),  # the string left open
        ("client.login(▮)\n", '"admin", "CanaryPositional#1"'),
        ('SECRET = os.environ.get("APP_SECRET", ▮)\n', '"canary-default-secret-0042"'),
        ("# admin password is ▮\n", "CanaryComment42 (do not share)"),
        ("WEBHOOK = ▮\n", '"https://hooks.slack.com/services/T0CANARY/B0CANARY/canaryWebhookSecret77"'),
        ("GH = ▮\n", '"' + "gh" + 'p_CanaryGithubToken0123456789abcdefABCD"'),
    ],
)
def test_a_credential_literal_is_hidden(document: str, text: str) -> None:
    after = hide_secrets(Suggestion(text), at(document))
    assert after.text == ""
    assert after.notes == ("secret: a credential-like literal",)
    assert run(text, at(document, unsafe="mark")) is None  # hidden even when unsafe code would be marked


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ("password = ▮\n", "input()"),
        ("token = ▮\n", "tokens[0]"),
        ("def login(▮):\n", "user, password"),
        ("PASSWORD_FIELD = ▮\n", '"password"'),
        ("client.login(▮)\n", "user, password"),
        ("x = ▮\n", "secrets.token_hex(16)"),
        ("label = ▮\n", '"Secret settings"'),
    ],
)
def test_ordinary_code_passes(document: str, text: str) -> None:
    before = Suggestion(text)
    assert hide_secrets(before, at(document)) is before


def test_a_secret_the_user_typed_is_not_the_suggestions() -> None:
    before = Suggestion(", timeout=5)")
    assert hide_secrets(before, at('client.login("admin", "CanaryPositional#1"▮\n')) is before


def test_has_placeholder() -> None:
    assert has_placeholder(f'x = "{PLACEHOLDER}"')
    assert has_placeholder('x = "<SECR')
    assert not has_placeholder('x = "<S"')
    assert not has_placeholder("secret = SECRET")
