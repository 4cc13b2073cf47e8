"""What a credential looks like: well-known token formats, secret-looking names, and the heuristics
that tell a secret literal (high entropy, not a placeholder, not a regex) from ordinary text."""

from __future__ import annotations

import itertools
import math
import re
import tokenize
from collections import Counter

PLACEHOLDER = "<SECRET>"

# Kinds found by pattern anywhere in the text (code, strings and comments alike), in the order applied,
# each with substrings one of which must occur: a cheap `in` test spares most files the regex.
PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "private_key",
        ("PRIVATE KEY",),
        re.compile(
            r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
            # up to the matching END line, or, when there is none, over the base64 body that follows
            r"(?:.*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|(?:[A-Za-z0-9+/=:,\s-]*[A-Za-z0-9+/=])?)",
            re.DOTALL,
        ),
    ),
    (
        "aws_access_key",
        ("AKIA", "ASIA"),
        re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"),
    ),
    (
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,})"),
    ),
    ("slack_token", ("xox",), re.compile(r"(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,}")),
    (
        "stripe_key",
        ("k_live_", "k_test_"),
        re.compile(r"(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"),
    ),
    (
        "openai_key",
        ("sk-",),
        re.compile(r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ),
    (
        "google_api_key",
        ("AIza",),
        re.compile(r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])"),
    ),
    ("gitlab_token", ("glpat-",), re.compile(r"(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}")),
    ("pypi_token", ("pypi-AgE",), re.compile(r"(?<![A-Za-z0-9_-])pypi-AgE[A-Za-z0-9_-]{50,}")),
    (
        "sendgrid_key",
        ("SG.",),
        re.compile(r"(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
    ),
    ("square_token", ("sq0",), re.compile(r"(?<![A-Za-z0-9_-])sq0(?:atp|csp)-[0-9A-Za-z_-]{22,}")),
    (
        "jwt",
        ("eyJ",),
        re.compile(
            r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.?[A-Za-z0-9_-]*(?![A-Za-z0-9_-])"
        ),
    ),
)

# Kinds where only a part of the match is the secret (group 1 is replaced): webhook URLs keep their host,
# an Authorization header keeps its scheme, npm's `_authToken=` keeps its key.
PARTIAL_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "slack_webhook",
        ("hooks.slack.com",),
        re.compile(
            r"hooks\.slack\.com/(?:services|workflows)/T[A-Za-z0-9_]+/[AB][A-Za-z0-9_]+/([A-Za-z0-9_]+)"
        ),
    ),
    (
        "discord_webhook",
        ("/api/webhooks/",),
        re.compile(r"discord(?:app)?\.com/api/webhooks/\d+/([A-Za-z0-9_-]{20,})"),
    ),
    ("npm_token", ("_authToken",), re.compile(r"_authToken\s*=\s*([A-Za-z0-9_-]{16,})")),
    (
        "authorization_header",
        ("earer", "Basic", "Token"),
        re.compile(
            r"(?<![A-Za-z])(?:[Bb]earer|Basic|Token)\s+([A-Za-z0-9._~+/-]{8,}=*)(?![A-Za-z0-9._~+/=-])"
        ),
    ),
    (
        "comment_secret",
        ("#",),
        re.compile(
            r"#[^\n]*?\b(?:pass(?:word|wd|phrase|code)|pwd|secret|token|api[ _-]?key)s?\b"
            r"(?:\s+(?:is|was|=|:)|\s*[:=])\s*['\"`]?([^\s'\"`]{6,})",
            re.IGNORECASE,
        ),
    ),
)

# scheme://user:password@host -- only the password is replaced.
URL_PASSWORD = re.compile(r"://[^\s:/@'\"<>]+:([^\s/@'\"<>]+)@")

# Names whose string value is a credential whatever it looks like: `password = "..."`, `{"api_key": "..."}`.
SECRET_NAME_PARTS: tuple[str, ...] = (
    "passw",
    "pwd",
    "secret",
    "apikey",
    "api_key",
    "accesskey",
    "access_key",
    "privatekey",
    "private_key",
    "authtoken",
    "auth_token",
    "accesstoken",
    "access_token",
    "refreshtoken",
    "refresh_token",
    "credential",
)
SECRET_NAME = re.compile("|".join(SECRET_NAME_PARTS), re.IGNORECASE)
# Names that end in one of these words hold a credential too (`DB_PASS`, `TOKEN`, `signingKey`), but only as
# their last word: `password_prompt`, `token_type` and `tokenizer` do not.
PASSWORD_WORDS = frozenset({"pass", "passwd", "password", "pwd", "passcode"})
PASSPHRASE_WORDS = frozenset({"passphrase", "mnemonic"})
TOKEN_WORDS = frozenset({"token", "secret", "credentials", "creds", "authorization", "auth", "cookie"})
KEY_QUALIFIERS = frozenset(
    {"api", "access", "secret", "private", "signing", "encryption", "master", "auth", "client", "license"}
)
# Calls whose later positional strings are credentials: `client.login("admin", "...")`, `HTTPBasicAuth(u, "...")`.
LOGIN_CALLS = frozenset(
    {"login", "logon", "signin", "sign_in", "authenticate", "auth", "httpbasicauth", "httpdigestauth"}
)
# Calls that take a name and a default: `os.environ.get("APP_SECRET", "...")`, `getenv("TOKEN", "...")`.
DEFAULT_CALLS = frozenset({"get", "getenv", "setdefault", "pop"})
# Values that stand in for a credential in examples and field names; not worth scrubbing.
PLACEHOLDER_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "api_key",
        "apikey",
        "changeme",
        "change_me",
        "example",
        "dummy",
        "placeholder",
        "redacted",
        "hidden",
        "username",
        "required",
        "optional",
    }
)
# In lower-cased text: a secret-looking name followed by `=`, `:` or `: type =`, then a string.
SECRET_ASSIGNMENT_HINT = re.compile(
    r"(?:" + "|".join(SECRET_NAME_PARTS) + r")\w*['\"]?\s*(?::\s*[\w.]+\s*)?[:=]\s*[a-z]{0,2}['\"]"
)
# In lower-cased text: the other shapes `_literal_spans` looks for, so that only files with one are tokenized.
LITERAL_SECRET_HINT = re.compile(
    r"(?:pass|pwd|phrase|mnemonic|token|secret|creds|credentials|authorization|auth|cookie|salt|key)"
    r"['\"]?\s*(?::\s*[\w.]+\s*)?[:=]\s*[a-z]{0,2}['\"]"
    r"|(?:login|logon|signin|sign_in|authenticate|auth)\s*[(=]"
    r"|(?:get|getenv|setdefault|pop)\s*\(\s*[a-z]{0,2}['\"][\w.-]*(?:pass|pwd|phrase|token|secret|creds|key)"
)
REGEX_LIKE = re.compile(r"\(\?|\\[dwsbDWS]|\[\^?[^\]]+\][*+?]?|\|.*\|")
NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

# Characters of base64, base64url, hex and dotted tokens (JWT): anything else is not a bare token.
TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=_.~-]+")
NUMBER_LIKE = re.compile(r"[+-]?(?:0[xX])?[0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d+)?")
SEPARATORS = re.compile(r"[_./+=~-]")
CAMEL_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Cheap pre-check: a quoted run of token characters long enough to be a high-entropy literal.
QUOTED_RUN = re.compile(r"(?<=['\"}])[A-Za-z0-9+/=_.~-]{20,}(?=['\"{])")
LITERAL = re.compile(r"([A-Za-z]*)('''|\"\"\"|'|\")(.*)\2", re.DOTALL)

MIN_LENGTH = 20  # shorter bare literals are left alone unless assigned to a secret-looking name
MAX_ENTROPY_NEEDED = 4.0  # bits per character; pure hex never exceeds 4.0, so hex test vectors stay
MIN_ASSIGNED_LENGTH = 8
MIN_ASSIGNED_ENTROPY = 2.5

FSTRING_MIDDLE: int | None = getattr(tokenize, "FSTRING_MIDDLE", None)
SKIPPED_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
)


def shannon_entropy(text: str) -> float:
    """Bits per character of the character distribution of text (0.0 for empty text)."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _sequential_share(text: str) -> float:
    """Share of neighbours that are consecutive characters: high for 'abcdef...' alphabets."""
    steps = sum(1 for a, b in itertools.pairwise(text) if ord(b) - ord(a) == 1)
    return steps / max(len(text) - 1, 1)


def _letter_digit_switches(text: str) -> int:
    """How often a letter is next to a digit: random tokens scatter digits, names and paths rarely do."""
    return sum(
        1
        for a, b in itertools.pairwise(text)
        if (a.isdigit() and b.isalpha()) or (a.isalpha() and b.isdigit())
    )


def _wordiness(text: str) -> float:
    """Share of alphanumerics in camel-case words of three or more letters: high for names, low for noise."""
    alnum = sum(1 for ch in text if ch.isalnum())
    words = sum(len(w) for w in CAMEL_WORDS.findall(text) if len(w) >= 3 and not w.isdigit())
    return words / max(alnum, 1)


def is_high_entropy(body: str) -> bool:
    """True when a string literal's body looks like a random token: an API key, a password hash, a JWT.

    Names, dotted paths, file paths, URLs, numbers, hex digests and alphabets are left alone.
    """
    n = len(body)
    if n < MIN_LENGTH or not TOKEN_CHARS.fullmatch(body) or NUMBER_LIKE.fullmatch(body):
        return False
    if shannon_entropy(body) < min(MAX_ENTROPY_NEEDED, math.log2(n) - 0.6) or _sequential_share(body) > 0.2:
        return False
    has_lower = any(ch.islower() for ch in body)
    has_upper = any(ch.isupper() for ch in body)
    has_digit = any(ch.isdigit() for ch in body)
    if has_lower + has_upper + has_digit < 2:
        return False
    core = max(SEPARATORS.split(body), key=len)
    if len(core) < 12 or core.isdigit() or (core.isalpha() and (core.islower() or core.isupper())):
        return False  # made of short parts or plain words and numbers: a path, a dotted name, a host
    if "_" in body and body.isidentifier() and _wordiness(body) >= 0.6:  # PyUnicode_AsUTF8String
        return False
    switches = _letter_digit_switches(body)
    if switches >= 2 and switches / n >= 0.08:
        return True
    return has_lower and has_upper and _wordiness(core) < 0.5


def _looks_assigned_secret(body: str, prefix: str) -> bool:
    """True for a value given to a secret-looking name: a single word, not a template, not trivial."""
    if "f" in prefix.lower() or len(body) < MIN_ASSIGNED_LENGTH or any(ch.isspace() for ch in body):
        return False
    if "{" in body or "%(" in body or "%s" in body or body.startswith("$") or PLACEHOLDER in body:
        return False  # a template such as ${PASSWORD}, {password} or %(password)s
    if is_placeholder_value(body):
        return False
    return shannon_entropy(body) >= MIN_ASSIGNED_ENTROPY


def is_placeholder_value(body: str) -> bool:
    """True for a stand-in rather than a credential: `<password>`, `changeme`, `xxxxxxxx`, `password`."""
    lowered = body.lower()
    if (lowered.startswith("<") and lowered.endswith(">")) or len(set(lowered)) <= 2:
        return True
    return lowered.strip("_-.") in PLACEHOLDER_WORDS


def secret_name_class(name: str) -> str:
    """What a name says its value is: "password", "passphrase", "token" or "" (nothing secret).

    `name` may be quoted (a dict key). "password" values are checked like any credential, "passphrase"
    values may hold spaces, and "token" values (a weaker hint: `TOKEN = "identifier"` is common in parsers)
    must also mix letters and digits.
    """
    name = name.strip("'\"")
    if SECRET_NAME.search(name):
        return "password"
    words = [word.lower() for word in NAME_WORDS.findall(name)]
    if not words:
        return ""
    last = words[-1]
    if last in PASSPHRASE_WORDS or (last == "phrase" and len(words) > 1 and words[-2] in ("pass", "seed")):
        return "passphrase"
    if last in PASSWORD_WORDS:
        return "password"
    if last in TOKEN_WORDS or (last == "key" and len(words) > 1 and words[-2] in KEY_QUALIFIERS):
        return "token"
    return ""


def looks_like_credential(body: str, name_class: str, prefix: str = "") -> bool:
    """True when `body`, the value of something whose name is of `name_class`, is plausibly a credential."""
    if name_class == "passphrase":
        words = body.split()
        return (
            len(words) >= 3
            and len(body) >= 12
            and not any(ch in body for ch in "{}%$<>:?")
            and "f" not in prefix.lower()
            and not any(w.lower().startswith(("pass", "phrase", "enter")) for w in words)
        )
    if not _looks_assigned_secret(body, prefix) or "r" in prefix.lower() or REGEX_LIKE.search(body):
        return False  # a raw string or a pattern: `key_or_pass = r"(?:key|pwd)"`
    if name_class == "token":
        return (any(ch.isdigit() for ch in body) and any(ch.isalpha() for ch in body)) or is_high_entropy(
            body
        )
    return name_class == "password"


def credential_word(value: str) -> bool:
    """True for a free-standing word in prose that looks like a password: letters with digits or symbols."""
    if len(value) < 8 or PLACEHOLDER in value or "://" in value or any(ch in value for ch in "{}[]()<>%$="):
        return False
    letters = any(ch.isalpha() for ch in value)
    return letters and (any(ch.isdigit() for ch in value) or any(ch in "!#$%&@^~" for ch in value))
