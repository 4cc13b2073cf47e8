"""Dangerous code in suggestions is found; ordinary code is not."""

from __future__ import annotations

import pytest

from inkling.style.safety import check


@pytest.mark.parametrize(
    "snippet,kind",
    [
        ("result = eval(user_input)", "eval"),
        ("exec(compile(source, 'x', 'exec'))", "eval"),
        ("subprocess.run(cmd, shell=True)", "shell"),
        ("os.system('rm -rf ' + path)", "shell"),
        ("data = pickle.loads(blob)", "pickle"),
        ("config = yaml.load(stream)", "yaml"),
        ("config = yaml.load(stream, Loader=yaml.Loader)", "yaml"),
        ("cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")", "sql"),
        ('cursor.execute("SELECT * FROM t WHERE id = %s" % user_id)', "sql"),
        ("cursor.execute('DELETE FROM t WHERE id = ' + ident)", "sql"),
        ("requests.get(url, verify=False)", "tls"),
        ("password = 'hunter2'", "credential"),
        ("settings = {'api_key': 'a8f9c0d1e2'}", "credential"),
        ("AWS = 'AKIAIOSFODNN7EXAMPLE'", "credential"),
    ],
)
def test_dangerous_code_is_flagged(snippet: str, kind: str) -> None:
    assert [finding.check for finding in check(snippet)] == [kind]


@pytest.mark.parametrize(
    "snippet",
    [
        "value = ast.literal_eval(text)",
        "eval('1 + 2')",
        "subprocess.run(['ls', path], check=True)",
        "config = yaml.safe_load(stream)",
        "config = yaml.load(stream, Loader=yaml.SafeLoader)",
        "cursor.execute('SELECT * FROM t WHERE id = ?', (ident,))",
        "password = ''",
        "token = '<TOKEN>'",
        "password = os.environ['PASSWORD']",
        "# eval(user_input) is what we avoid here",
        "requests.get(url, verify=True)",
    ],
)
def test_ordinary_code_is_not_flagged(snippet: str) -> None:
    assert check(snippet) == []


def test_findings_say_which_line() -> None:
    found = check("data = read()\nobj = pickle.loads(data)\n")
    assert [(f.check, f.line) for f in found] == [("pickle", 1)]
    assert "unpickling" in found[0].message
