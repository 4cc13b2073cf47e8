"""The credential forms planted as canaries are scrubbed, ordinary code is not, and detect-secrets agrees."""

from __future__ import annotations

import ast
import os
import tempfile

import pytest

from inkling.data.credentials import PLACEHOLDER
from inkling.data.secrets import scrub

# (name, line, the secret part). Copied from the reliability canaries so that CI needs no ../shared; fake
# credentials are assembled at run time so that no secret scanner flags this file.
CANARIES: list[tuple[str, str, str]] = [
    ("aws_key", 'AWS_ACCESS_KEY_ID = "' + "AK" + 'IAQ7CANARY4XYZ7WQ2"', "AK" + "IAQ7CANARY4XYZ7WQ2"),
    (
        "aws_secret",
        'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARY9Kz1"',
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARY9Kz1",
    ),
    ("password_assign", 'DB_PASSWORD = "Hunter2-Canary-771"', "Hunter2-Canary-771"),
    ("pass_short_name", 'DB_PASS = "Tr0ub4dor&3canary"', "Tr0ub4dor&3canary"),
    ("pwd_kwarg", 'conn = connect(host="db", user="admin", pwd="s3cr3t-canary-pw")', "s3cr3t-canary-pw"),
    ("passphrase", 'passphrase = "correct horse battery canary"', "correct horse battery canary"),
    ("token_plain", 'TOKEN = "canary-tok-5521-zz"', "canary-tok-5521-zz"),
    (
        "bearer_header",
        'HEADERS = {"Authorization": "Bearer ' + "eyJ" + 'hbGciOiJIUzI1NiJ9.canaryPayload.sig"}',
        "eyJ" + "hbGciOiJIUzI1NiJ9.canaryPayload.sig",
    ),
    ("url_password", 'DATABASE_URL = "postgres://app:CanaryUrlPw99@db.internal/app"', "CanaryUrlPw99"),
    ("comment_password", "# admin password is CanaryComment42 (do not share)", "CanaryComment42"),
    ("positional_login", 'client.login("admin", "CanaryPositional#1")', "CanaryPositional#1"),
    (
        "github_token",
        'GH = "' + "gh" + 'p_CanaryGithubToken0123456789abcdefABCD"',
        "gh" + "p_CanaryGithubToken0123456789abcdefABCD",
    ),
    (
        "private_key",
        'KEY = """-----BEGIN RSA ' + "PRIVATE KEY-----\nMIIEcanaryPRIVATEkeyBODYabc123\n-----END RSA "
        'PRIVATE KEY-----"""',
        "MIIEcanaryPRIVATEkeyBODYabc123",
    ),
    (
        "env_default",
        'SECRET = os.environ.get("APP_SECRET", "canary-default-secret-0042")',
        "canary-default-secret-0042",
    ),
    (
        "slack_webhook",
        'WEBHOOK = "https://hooks.slack.com/services/T0CANARY/B0CANARY/canaryWebhookSecret77"',
        "canaryWebhookSecret77",
    ),
]

# More of what detect-secrets' plugins look for, one typical line each.
PLUGIN_EXAMPLES: list[str] = [
    'aws = boto3.client("s3", aws_access_key_id="' + "AK" + 'IAIOSFODNN7EXAMPLE")',
    'token = "' + "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + '"',
    'SLACK = "' + "xo" + "xb-" + "123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx" + '"',
    'stripe.api_key = "' + "sk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + '"',
    'JWT = "'
    + "eyJ"
    + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r"
    + '"',
    'PEM = """-----BEGIN ' + "PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END "
    'PRIVATE KEY-----"""',
    'PROXY = "https://bob:' + "s3cr3tPw77" + '@proxy.example.com:8080/"',
    'config = {"password": "' + "Zx9-qL2-mW8" + '", "user": "bob"}',
    'client_secret = "' + "9f8e7d6c5b4a-Qq" + '"',
    'api_key: str = "' + "AbC123dEf456GhI789" + '"',
    'headers["Authorization"] = "Bearer ' + "Xy7Kp2Lm9Qr4St8Vw3Za" + '"',
    'requests.get(url, auth=("bob", "' + "Pw-778-zz!q" + '"))',
    'discord = "https://discord.com/api/webhooks/123456789012345678/'
    + "AbCdEf_123-GhIjKlMnOpQrStUvWxYz"
    + '"',
]


@pytest.mark.parametrize(("name", "line", "secret"), CANARIES, ids=[c[0] for c in CANARIES])
def test_every_canary_form_is_scrubbed(name: str, line: str, secret: str) -> None:
    source = "import os\n" + line + "\n"
    text, counts = scrub(source)
    assert secret not in text
    assert PLACEHOLDER in text
    assert counts
    ast.parse(text)  # still Python
    assert scrub(text) == (text, {})  # idempotent


def test_canary_forms_keep_the_code_around_the_secret() -> None:
    cases = {
        'client.login("admin", "CanaryPositional#1")': f'client.login("admin", "{PLACEHOLDER}")',
        'SECRET = os.environ.get("APP_SECRET", "canary-default-secret-0042")': (
            f'SECRET = os.environ.get("APP_SECRET", "{PLACEHOLDER}")'
        ),
        "# admin password is CanaryComment42 (do not share)": f"# admin password is {PLACEHOLDER} (do not share)",
        'WEBHOOK = "https://hooks.slack.com/services/T0CANARY/B0CANARY/canaryWebhookSecret77"': (
            f'WEBHOOK = "https://hooks.slack.com/services/T0CANARY/B0CANARY/{PLACEHOLDER}"'
        ),
        'HEADERS = {"Authorization": "Bearer abc.def123.ghi"}': (
            f'HEADERS = {{"Authorization": "Bearer {PLACEHOLDER}"}}'
        ),
    }
    for line, expected in cases.items():
        assert scrub(line + "\n")[0] == expected + "\n"


@pytest.mark.parametrize(
    "line",
    [
        "password = input()",
        'password = input("Password: ")',
        "password = getpass.getpass()",
        "token = tokens[0]",
        "token = next(tokens)",
        'TOKEN = "identifier"',
        'token_type = "Bearer"',
        'tokenizer_name = "bert-base-uncased"',
        "def login(user, password):",
        "def login(self, user: str, password: str) -> bool:",
        'PASSWORD_FIELD = "password"',
        'DB_PASS = "changeme"',
        'DB_PASS = "xxxxxxxx"',
        'DB_PASS = "<password>"',
        'passphrase = ""',
        'passphrase = "Enter passphrase: "',
        'key_or_pass = r"(?:key|pwd|password|pass|token)"',
        'token = r"[-!#$%&*+.^_|~0-9a-zA-Z]+"',
        'salt = "autotune-best-config-v2"',
        'SESSION_KEY = "_auth_user_id"',
        'client.login("admin", password)',
        'client.login(user, os.environ["PASSWORD"])',
        'find_user_pass("Some Realm", "http://example.com/ni")',
        'home = os.environ.get("HOME", "/home/user/projects")',
        'value = config.get("timeout", "thirty-seconds")',
        "# First pass: decided_mask==0, every element participates.",
        "# the password is hashed before it is stored",
        "# token          = 1*tchar",
        "# Bearer tokens are sent in the Authorization header",
        '"""Basic authentication with a user name and password."""',
        'auth_header = "Bearer " + token',
        'auth_header = f"Bearer {token}"',
        'pin = "GPIO17"',
    ],
)
def test_ordinary_code_is_not_scrubbed(line: str) -> None:
    assert scrub(line + "\n") == (line + "\n", {})


def _detected(text: str) -> set[tuple[str, str]]:
    """(type, value) of everything detect-secrets' default plugins find in text, as a .py file."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    handle, path = tempfile.mkstemp(suffix=".py")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        with default_settings():
            collection = SecretsCollection()
            collection.scan_file(path)
    finally:
        os.unlink(path)
    return {(secret.type, str(secret.secret_value)) for _, secret in collection}


@pytest.mark.parametrize(
    "line",
    [line for _, line, _ in CANARIES] + PLUGIN_EXAMPLES,
    ids=[c[0] for c in CANARIES] + [f"plugin{i}" for i in range(len(PLUGIN_EXAMPLES))],
)
def test_detect_secrets_finds_nothing_left_after_scrub(line: str) -> None:
    pytest.importorskip("detect_secrets")
    source = "import os\n" + line + "\n"
    before = _detected(source)
    text, _ = scrub(source)
    after = _detected(text)
    left = {value for _, value in after} & {value for _, value in before}
    assert not left, f"{line!r} still holds {left} after scrub: {text!r}"
