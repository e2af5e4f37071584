"""bench/audit_coverage.py and bench/audit_noise.py, run as a person runs them, on a tiny site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MARKDOWN_PAGE = """\
# Birds

![A red kite over a field](kite.jpg)

A line with ![](empty.png) inline, and `![in a code span](span.png)`.

![The kite again][kite]

<img src="owl.jpg" alt="An owl on a post">

```html
<img src="fenced.jpg" alt="inside a fence">
![inside a fence](fenced.png)
```

[kite]: kite.jpg
"""

HTML_PAGE = """\
<!doctype html>
<html lang="en"><head><title>Ducks</title></head><body>
<img src="ducks.jpg" alt="Two ducks on a pond">
<img src="swan.jpg">
<pre><img src="pre.jpg" alt="shown as code"></pre>
<!-- <img src="old.jpg" alt="commented out"> -->
<form><input type="image" src="go.png" alt="Search"><input type="text" name="q"></form>
</body></html>
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A Markdown page and an HTML page, with images in code that must be left alone."""
    folder = tmp_path / "birds"
    folder.mkdir()
    (folder / "index.md").write_text(MARKDOWN_PAGE, encoding="utf-8")
    (folder / "ducks.html").write_text(HTML_PAGE, encoding="utf-8")
    return folder


def run_script(name: str, *args: object) -> str:
    """Run a bench script with this checkout's package first on the path; its stdout."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, str(ROOT / "bench" / name), *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_coverage_injects_every_shown_image_and_nothing_in_code(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "coverage.json"
    before = {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()}
    stdout = run_script("audit_coverage.py", site, "--out", out)
    result = json.loads(out.read_text(encoding="utf-8"))["trees"][0]
    # Markdown: inline, empty-alt, reference and <img>; HTML: alt replaced, alt added, input type=image.
    assert result["by_suffix"][".md"]["injected"] == 4
    assert result["by_suffix"][".html"]["injected"] == 3
    assert set(result["by_kind"]) == {"html", "markdown"}
    assert 0 < result["flagged"] <= result["injected"] == 7
    assert all("fence" not in row["text"] and "code" not in row["text"] for row in result["unflagged"])
    assert "birds" in stdout and "coverage %" in stdout
    assert {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()} == before  # only the copy is changed


def test_noise_writes_a_sample_and_reads_judgements_back(site: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample.json"
    stdout = run_script("audit_noise.py", site, "--sample", sample, "--per-rule", 5)
    entries = json.loads(sample.read_text(encoding="utf-8"))
    assert "W+E/100 img" in stdout and "precision" not in stdout
    assert entries and all(e["verdict"] is None and e["tree"] == "birds" for e in entries)
    assert {"alt-missing"} <= {e["rule"] for e in entries}
    assert all(not Path(e["path"]).is_absolute() and e["severity"] in ("warning", "error") for e in entries)

    for number, entry in enumerate(entries):
        entry["verdict"] = "true" if number % 2 == 0 else "false"
    sample.write_text(json.dumps(entries), encoding="utf-8")
    out = tmp_path / "noise.json"
    stdout = run_script("audit_noise.py", site, "--judgements", sample, "--out", out)
    numbers = json.loads(out.read_text(encoding="utf-8"))
    assert "precision" in stdout and "est. false/100 img" in stdout
    assert sum(p["judged"] for p in numbers["precision"].values()) == len(entries)
    assert sum(p["false"] for p in numbers["precision"].values()) == len(entries) // 2
    estimate = numbers["estimates"]["birds"]
    assert estimate["unjudged"] == 0 and 0 < estimate["estimated_false"] <= estimate["warnings_and_errors"]
