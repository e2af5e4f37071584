"""Serve first, warm later: the server answers correctly before its master has warmed, and after it has.

The master's warming is held back by a gate the test opens (a subclass of
the real server whose warm step waits for a file), so "before" does not
depend on how fast this machine warms. Everything else is the production
server: gunicorn, the waitress workers, the app and the index.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from pathlib import Path

from captionsearch.search import searching

from .conftest import LiveServer

GUARD_SECONDS = 60  # the longest a step may take before the test fails instead of hanging

GATED_SERVER = """
import sys, time
from pathlib import Path

from captionsearch.server import CaptionSearchServer
from captionsearch.settings import load_settings

gate = Path(sys.argv[2])


class GatedServer(CaptionSearchServer):
    def warm_master(self):
        while not gate.exists():
            time.sleep(0.05)
        super().warm_master()


settings = load_settings({"index_dir": sys.argv[1], "host": "127.0.0.1", "port": 0, "workers": 2, "threads": 4})
sys.exit(GatedServer(settings).run() or 0)
"""


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (the master's workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def workers_of(pid: int, count: int) -> set[int]:
    """The master's workers, once it has forked ``count`` of them (it serves as soon as the first listens)."""
    deadline = time.monotonic() + GUARD_SECONDS
    found = children(pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        found = children(pid)
    return found


def answer(url: str, query: str) -> tuple[int, list[str]]:
    with urllib.request.urlopen(f"{url}/search.json?q={query}", timeout=GUARD_SECONDS) as response:
        data = json.loads(response.read())
    return data["total"], [hit["id"] for hit in data["hits"]]


def expected(index_dir: Path, query: str) -> tuple[int, list[str]]:
    page = searching.search(query, index_dir)
    return page.total, [hit.record.id for hit in page.hits]


def test_answers_are_correct_before_and_after_the_master_warms(corpus_index: Path, tmp_path: Path) -> None:
    script, gate = tmp_path / "gated_server.py", tmp_path / "warm-now"
    script.write_text(GATED_SERVER, encoding="utf-8")
    server = LiveServer(corpus_index, tmp_path, command=[sys.executable, str(script), str(corpus_index), str(gate)])
    try:
        queries = {query: expected(corpus_index, query) for query in ("rover", "far side", "simulation")}
        assert all(total for total, _ in queries.values())
        first_workers = workers_of(server.process.pid, 2)
        assert len(first_workers) == 2
        for query, wanted in queries.items():
            assert answer(server.url, query.replace(" ", "+")) == wanted  # served while the master is still cold
        assert children(server.process.pid) == first_workers  # nothing replaced them yet

        answers: list[tuple[int, list[str]]] = []
        failures: list[str] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                try:
                    answers.append(answer(server.url, "rover"))
                except OSError as exc:
                    failures.append(repr(exc))

        asking = threading.Thread(target=keep_asking)
        asking.start()
        gate.touch()
        deadline = time.monotonic() + GUARD_SECONDS
        while time.monotonic() < deadline and (children(server.process.pid) & first_workers
                                               or len(children(server.process.pid)) != 2):
            time.sleep(0.1)
        stop.set()
        asking.join(GUARD_SECONDS)
        warm_workers = children(server.process.pid)
        assert len(warm_workers) == 2 and not warm_workers & first_workers  # the warm master forked new ones
        assert failures == [] and answers and all(a == queries["rover"] for a in answers)  # none lost meanwhile
        for query, wanted in queries.items():
            assert answer(server.url, query.replace(" ", "+")) == wanted
        assert server.process.poll() is None
    finally:
        server.stop()
