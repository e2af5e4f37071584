"""The built wheel carries everything: the web front end and the rule pages work from it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FROM_THE_WHEEL = textwrap.dedent(
    """
    import sys
    import captionsearch
    assert captionsearch.__file__.startswith(sys.argv[1]), captionsearch.__file__
    from captionsearch.app import create_app
    from captionsearch.audit.docs import rule_page
    from captionsearch.indexing import IndexOptions, index_records
    from captionsearch.records import CaptionRecord, Origin

    record = CaptionRecord(id="p1", image="https://example.org/p1.jpg", origin=Origin("m.json", 1, None, "manifest"),
                           title="Lander", caption="The lander rests on grey regolith.", alt="A lander on grey soil")
    index_records([record], sys.argv[2], IndexOptions(entities=False))
    client = create_app({"INDEX_DIR": sys.argv[2], "CACHE_DIR": sys.argv[3]}).test_client()
    for url in ("/", "/search?q=lander", "/photo/p1", "/static/site.css", "/opensearch.xml"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert b"regolith" in client.get("/search?q=lander").data
    assert "alt-missing" in rule_page("alt-missing")
    print("ok")
    """
)


def test_the_wheel_serves_the_web_front_end_and_rule_pages(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", str(ROOT), "-w", str(tmp_path / "dist")],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("captionsearch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_files = [p for p in (ROOT / "web").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in shipped_files:
        assert f"captionsearch/web/{path.relative_to(ROOT / 'web').as_posix()}" in names, path
    rule_pages = list((ROOT / "src" / "captionsearch" / "audit" / "rules").glob("*.md"))
    assert rule_pages and all(f"captionsearch/audit/rules/{p.name}" in names for p in rule_pages)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = tmp_path / "from_wheel.py"
    script.write_text(FROM_THE_WHEEL, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), str(site), str(tmp_path / "index"), str(tmp_path / "thumbs")],
        capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert run.stdout.strip() == "ok", run.stderr[-3000:]


def test_every_package_of_the_source_tree_is_in_the_wheel() -> None:
    """A package missing from pyproject's list installs as nothing: the command would fail at start."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    source = ROOT / "src"
    found = {str(init.parent.relative_to(source)).replace("/", ".") for init in source.rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
