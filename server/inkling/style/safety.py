"""Flag dangerous code in a suggestion: eval/exec of data, shell commands, unsafe deserialisation, SQL built
from strings, TLS checks turned off and hard-coded credentials.

Suggestions are fragments (half a line, an unfinished block), so the checks read the snippet's code lines
with patterns rather than a syntax tree; comment lines are skipped. A check errs towards flagging: a
flagged suggestion is hidden or marked (a setting chooses), and the user can still type the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRING = r"""(?:[rRbBuU]{0,2}(?:'[^'\n]*'|"[^"\n]*"))"""
_CREDENTIAL_NAME = r"(?:password|passwd|secret|api_?key|access_?key|private_?key|(?:auth|access|api|bearer|refresh|secret)_?token)"

CHECKS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # eval/exec of anything but a plain string literal
    (
        "eval",
        "eval/exec runs whatever code it is given",
        re.compile(rf"\b(?:eval|exec)\s*\((?!\s*{_STRING}\s*[,)])"),
    ),
    (
        "shell",
        "a shell command line (shell=True, os.system, os.popen): injection if any part comes from input",
        re.compile(
            r"\bshell\s*=\s*(?:True\b|[1-9]\d*\b|'[^'\n]+'|\"[^\"\n]+\")"  # shell=True, shell=1: any truthy literal
            r"|(?:\bos|__import__\s*\(\s*['\"]os['\"]\s*\))\s*\.\s*(?:system|popen)\s*\("
        ),
    ),
    (
        "pickle",
        "unpickling runs code from the data",
        re.compile(
            r"\b(?:c?[Pp]ickle|dill|shelve|marshal|joblib)\.(?:loads?|Unpickler|open)\s*\("
            r"|\btorch\.load\s*\((?![^\n]*weights_only\s*=\s*True)"  # pickle unless weights_only=True
            r"|\b(?:np|numpy)\.load\s*\([^\n]*allow_pickle\s*=\s*True"
        ),
    ),
    (
        "yaml",
        "yaml.load without a safe loader builds arbitrary objects",
        re.compile(
            r"\byaml\.(?:load|load_all)\s*\((?![^)\n]*Loader\s*=\s*(?:yaml\.)?C?SafeLoader)|\byaml\.unsafe_load"
        ),
    ),
    (
        "sql",
        "SQL built by string formatting: use query parameters",
        re.compile(
            rf"\.execute(?:many|script)?\s*\(\s*(?:[rRbBuU]?[fF][rRbB]?['\"]|{_STRING}\s*(?:%|\+|\.format\s*\()"
            r"|\w+\s*(?:%|\+)\s*)"
        ),
    ),
    (
        "tls",
        "certificate verification turned off",
        re.compile(
            r"\bverify\s*=\s*(?:False|0)\b|\bCERT_NONE\b|_create_unverified_context"
            r"|\bcheck_hostname\s*=\s*(?:False|0)\b"
        ),
    ),
    (
        "credential",
        "a hard-coded credential",
        re.compile(
            rf"(?i)\b\w*{_CREDENTIAL_NAME}\w*['\"]?\s*[:=]\s*{_STRING}"
            r"|-----BEGIN[ A-Z]*PRIVATE KEY-----|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}"
            r"|\bsk-[A-Za-z0-9_-]{20,}|\bxox[baprs]-[A-Za-z0-9-]{10,}"
        ),
    ),
)
_EMPTY_OR_PLACEHOLDER = re.compile(r"""[:=]\s*[rRbBuU]{0,2}(['"])(?:|<[^'"]*>|\*+|x+|\.\.\.)\1""")


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    line: int  # 0-based, within the snippet


def check(snippet: str) -> list[Finding]:
    """What looks dangerous in `snippet`, line by line (comment lines skipped)."""
    findings = []
    for number, line in enumerate(snippet.splitlines()):
        if line.lstrip().startswith("#"):
            continue
        for name, message, pattern in CHECKS:
            match = pattern.search(line)
            if match is None:
                continue
            if name == "credential" and _EMPTY_OR_PLACEHOLDER.search(match.group(0)):
                continue  # `password = ""` or `token = "<TOKEN>"` holds no secret
            findings.append(Finding(name, message, number))
    return findings
