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


@pytest.mark.parametrize(
    "snippet,kind",
    [
        ("subprocess.run(cmd, shell=1)", "shell"),
        ("subprocess.Popen(cmd, shell='yes')", "shell"),
        ('__import__("os").system(cmd)', "shell"),
        ("__import__('os').popen(cmd).read()", "shell"),
        ("state = torch.load(path)", "pickle"),
        ("state = torch.load(path, map_location='cpu')", "pickle"),
        ("arr = numpy.load(path, allow_pickle=True)", "pickle"),
        ("arr = np.load(path, allow_pickle=True)", "pickle"),
        ("context.check_hostname = False", "tls"),
        ("ctx = ssl._create_unverified_context()", "tls"),
        ("requests.post(url, data=body, verify=False)", "tls"),
    ],
)
def test_more_dangerous_code_is_flagged(snippet: str, kind: str) -> None:
    assert [finding.check for finding in check(snippet)] == [kind]


@pytest.mark.parametrize(
    "snippet",
    [
        "subprocess.run(cmd, shell=False)",
        "subprocess.run(cmd, shell=0)",
        "state = torch.load(path, weights_only=True)",
        "state = torch.load(path, map_location='cpu', weights_only=True)",
        "arr = np.load(path)",
        "arr = np.load(path, allow_pickle=False)",
        "context.check_hostname = True",
        "ctx = ssl.create_default_context()",
        "os.path.join(root, name)",
        "importlib.import_module('os')",
    ],
)
def test_their_safe_forms_are_not_flagged(snippet: str) -> None:
    assert check(snippet) == []
