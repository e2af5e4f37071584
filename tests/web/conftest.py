"""Fixtures for the web front end.

Flask test-client tests get a small collection written here (real JPEGs, a
real index, entities off) and a fresh app per test. Browser tests share one
index of the bundled gallery (with entities) and one real server,
``captionsearch serve`` (gunicorn) on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from PIL import Image

from captionsearch.app import create_app
from captionsearch.audit.config import AuditConfig
from captionsearch.indexing import IndexOptions, index_corpus, index_records
from captionsearch.records import CaptionRecord, Origin

CHROMIUM = "/usr/bin/chromium"
OFFLINE_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--disable-sync",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
SERVER_START_TIMEOUT = 30.0
HOSTILE_CAPTION = '<script>alert("caption")</script> A rover & a <b>lander</b> on "grey" soil'
HOSTILE_TITLE = '"><img src=x onerror=alert(1)>'
# The client tests skip the spaCy-based judgements, which the browser tests exercise.
FAST_AUDIT = AuditConfig(ignore=("alt-vague", "caption-vague"))


def write_image(path: Path, size: tuple[int, int], color: tuple[int, int, int], orientation: int | None = None) -> Path:
    image = Image.new("RGB", size, color)
    image.paste((255, 255, 255), (0, 0, size[0] // 4, size[1] // 4))  # a corner mark, to see rotation
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def _record(folder: Path, manifest: Path, line: int, record_id: str, **fields: object) -> CaptionRecord:
    size = fields.pop("size", (900, 600))
    orientation = fields.pop("orientation", None)
    image = fields.pop("image", None)
    if image is None:
        image = str(write_image(folder / f"{record_id}.jpg", size, (40 + line * 9, 90, 140), orientation))  # type: ignore[arg-type]
    return CaptionRecord(
        id=record_id,
        image=str(image),
        origin=Origin(str(manifest), line, None, "manifest"),
        gallery="Test gallery",
        credit="Test credit",
        **fields,  # type: ignore[arg-type]
    )


def make_collection(folder: Path) -> list[CaptionRecord]:
    """Eight photos: five rovers (for paging), a hostile one, a rotated one and one hosted elsewhere."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.json"
    manifest.write_text("{}", encoding="utf-8")
    specs = [
        ("rover-one", {"title": "Rover on the rim", "caption": "The rover drives along the crater rim.",
                       "alt": "A six-wheeled rover at the edge of a crater", "date": "2019-01-03"}),
        ("rover-two", {"title": "Rover tracks", "caption": "Rover tracks cross the grey regolith.",
                       "alt": "Wheel tracks in grey dust", "date": "2019-01-04"}),
        ("rover-three", {"title": "Rovers together", "caption": "Two rovers parked beside the lander.",
                         "alt": "Two small rovers next to a lander", "date": "2020-05-01"}),
        ("rover-four", {"title": "Rover at dusk", "caption": "The rover in low sunlight.",
                        "alt": None, "date": "2020-06-01"}),
        ("lander", {"title": "The lander", "caption": "The lander seen from the rover's camera.",
                    "alt": "lander.jpg", "date": "2018-12-08"}),
        ("hostile", {"title": HOSTILE_TITLE, "caption": HOSTILE_CAPTION, "alt": "A rover drawn in crayon"}),
        ("rotated", {"title": "Sideways mast", "caption": "The camera mast, shot with the camera on its side.",
                     "alt": "A tall camera mast", "size": (400, 200), "orientation": 6}),
        ("remote", {"title": "Hosted elsewhere", "caption": "A launch photo kept on another server.",
                    "alt": "A rocket lifting off", "image": "https://images.example.org/launch.jpg"}),
    ]
    return [_record(folder, manifest, line, rid, **fields) for line, (rid, fields) in enumerate(specs, 1)]


@pytest.fixture(scope="session")
def collection(tmp_path_factory: pytest.TempPathFactory) -> list[CaptionRecord]:
    return make_collection(tmp_path_factory.mktemp("photos"))


@pytest.fixture(scope="session")
def client_index(tmp_path_factory: pytest.TempPathFactory, collection: list[CaptionRecord]) -> Path:
    folder = tmp_path_factory.mktemp("client-index")
    index_records(collection, folder, IndexOptions(entities=False))
    return folder


@pytest.fixture
def app(client_index: Path, tmp_path: Path):
    return create_app({
        "INDEX_DIR": str(client_index),
        "CACHE_DIR": str(tmp_path / "thumbnails"),
        "RESULTS_PER_PAGE": 3,
        "AUDIT_CONFIG": FAST_AUDIT,
    })


@pytest.fixture
def client(app):
    with app.test_client() as test_client:
        yield test_client


# -- one real server for the browser tests ------------------------------------------


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """The bundled gallery, indexed with entities (so entity facets exist)."""
    folder = tmp_path_factory.mktemp("corpus-index") / "index"
    report = index_corpus([corpus_dir], folder, IndexOptions(entities=True))
    assert report.records and not report.errors
    return folder


class LiveServer:
    """``captionsearch serve --port 0`` in a subprocess; the URL is read from its ready line."""

    def __init__(self, index_dir: Path, workdir: Path, workers: int = 1, threads: int = 4,
                 command: list[str] | None = None):
        env = {**os.environ, "CAPTIONSEARCH_CACHE_DIR": str(workdir / "thumbnails"), "PYTHONUNBUFFERED": "1"}
        command = command or [sys.executable, "-m", "captionsearch.cli", "serve", "--index", str(index_dir),
                              "--host", "127.0.0.1", "--port", "0", "--workers", str(workers),
                              "--threads", str(threads)]
        self.process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.stderr_lines: list[str] = []
        self._stderr = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr.start()
        self.url = self._wait_for_url()
        self._wait_until_answering()

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def _wait_for_url(self) -> str:
        assert self.process.stdout is not None
        found: list[str] = []

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                if line.startswith("captionsearch: serving on "):
                    found.append(line.split(" on ", 1)[1].strip().rstrip("/"))
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(SERVER_START_TIMEOUT)
        if not found:
            self.stop()
            raise RuntimeError("server did not start:\n" + "".join(self.stderr_lines))
        return found[0]

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server never answered /healthz:\n" + "".join(self.stderr_lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._stderr.join(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="session")
def live_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(corpus_index, tmp_path_factory.mktemp("server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-base-url's fixture, pointed at the live server: page.goto('/search') works."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": OFFLINE_ARGS}
