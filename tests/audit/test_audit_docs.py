"""docs/audit.md runs as written: every command, the Python and TOML examples, the JSON schema."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from captionsearch.audit.config import load_audit_config

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    """A folder with the bundled corpus and the audit's fixture site, as the docs' commands expect."""
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    shutil.copytree(Path(__file__).parent / "fixtures" / "site", folder / "site")
    return folder


COMMANDS = [line[2:] for block in blocks("console") for line in block.splitlines() if line.startswith("$ ")]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_runs(sandbox, command):
    argv = shlex.split(command)
    assert argv[0] == "captionsearch"
    run = subprocess.run([sys.executable, "-m", "captionsearch.cli", *argv[1:]], cwd=sandbox,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr


def test_the_python_example_runs(sandbox, monkeypatch, capsys):
    monkeypatch.chdir(sandbox)
    for code in blocks("python"):
        exec(compile(code, "docs/audit.md", "exec"), {})
    assert "('content',)" in capsys.readouterr().out


def test_the_configuration_example_is_valid(tmp_path):
    for example in blocks("toml"):
        (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
        config = load_audit_config(pyproject=tmp_path / "pyproject.toml")
        assert config.ignored_in("legacy/page.md") == {"alt-vague", "alt-duplicate"}


def test_the_json_schema_shows_every_field_a_report_has(sandbox):
    shown = json.loads(blocks("json")[0])
    run = subprocess.run([sys.executable, "-m", "captionsearch.cli", "audit", "site", "--format", "json"],
                         cwd=sandbox, capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    assert shown.keys() == report.keys()
    assert shown["summary"].keys() == report["summary"].keys()
    assert shown["findings"][0].keys() == report["findings"][0].keys()
    assert shown["findings"][0]["fixes"][0].keys() == report["findings"][0]["fixes"][0].keys()


README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_audit_commands() -> list[str]:
    section = README[README.index("### `captionsearch audit"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.splitlines():
        for command in line.split("  #")[0].split(";"):
            if command.strip():
                commands.append(command.strip())
    return commands


def test_the_readmes_audit_commands_run(sandbox, tmp_path):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sandbox / "site"))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    work = tmp_path / "work"
    shutil.copytree(sandbox, work)
    try:
        for command in readme_audit_commands():
            line = command.replace("https://staging.example.org/", base)
            line = line.replace("captionsearch ", f"{shlex.quote(sys.executable)} -m captionsearch.cli ", 1)
            run = subprocess.run(line, shell=True, cwd=work, capture_output=True, text=True, timeout=300)
            assert run.returncode in (0, 1), (command, run.stderr)
            assert "Traceback" not in run.stderr
    finally:
        server.shutdown()
        server.server_close()
    assert len(readme_audit_commands()) == 9
