"""The production server under slow clients, floods and malformed requests (real server, loopback)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from captionsearch.app.security import HEADERS

from .conftest import LiveServer

SLOW_CLIENTS = 100
GUARD_SECONDS = 10  # a test waits at most this long for anything: a hang fails it, it does not stall the suite


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def raw_exchange(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as written and read the whole answer (the server closes after an error)."""
    with socket.create_connection(address(url), timeout=GUARD_SECONDS) as connection:
        connection.sendall(request)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and b"Connection: close" not in data.split(b"\r\n\r\n")[0]:
                head = data.split(b"\r\n\r\n")[0].decode("latin-1")
                length = int(next((line.split(":")[1] for line in head.split("\r\n") if line.lower().startswith("content-length")), 0))
                if len(data.split(b"\r\n\r\n", 1)[1]) >= length:
                    break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = address(url)
    connection = http.client.HTTPConnection(host, port, timeout=GUARD_SECONDS)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def assert_error_shape(status: int, headers: dict[str, str], body: bytes) -> None:
    assert all(name in headers for name in HEADERS), headers
    error = json.loads(body)["error"]
    assert set(error) == {"status", "code", "message"} and error["status"] == status


def test_a_hundred_slow_clients_do_not_keep_a_normal_request_waiting(live_server) -> None:
    slow = [socket.create_connection(address(live_server.url), timeout=GUARD_SECONDS) for _ in range(SLOW_CLIENTS)]
    stop = threading.Event()

    def drip() -> None:  # a header line every half second, never the blank line that ends the request
        for connection in slow:
            connection.sendall(b"GET /search?q=rover HTTP/1.1\r\nHost: x\r\n")
        while not stop.wait(0.5):
            for connection in slow:
                connection.sendall(b"X-Slow: yes\r\n")

    dripping = threading.Thread(target=drip)
    dripping.start()
    try:
        answers = [get(live_server.url, "/healthz")[0] for _ in range(20)]
        answers += [get(live_server.url, "/search.json?q=rover")[0] for _ in range(5)]
    finally:
        stop.set()
        dripping.join()
        for connection in slow:
            connection.close()
    assert answers == [200] * 25


def test_server_refusals_have_the_security_headers_and_the_error_shape(live_server) -> None:
    status, headers, body = raw_exchange(live_server.url, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40_000 + b"\r\n\r\n")
    assert status == 431
    assert_error_shape(status, headers, body)
    status, headers, body = raw_exchange(live_server.url, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
    assert status == 400
    assert_error_shape(status, headers, body)
    status, headers, body = get(live_server.url, "/search?q=" + "a" * 9000, {"Accept": "application/json"})
    assert status == 414
    assert_error_shape(status, headers, body)


def test_redirects_never_name_the_host_the_client_sent(live_server) -> None:
    for path in ("/static//site.css", "//search", "/search/", "/rules/"):
        status, headers, _ = get(live_server.url, path, {"Host": "evil.example"})
        assert "evil.example" not in headers.get("Location", ""), (path, status, headers)


@pytest.fixture(scope="module")
def tight_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> Iterator[LiveServer]:
    """One thread, a queue timeout of a millisecond and a read timeout of a second: overload is easy to reach."""
    monkeypatch_module.setenv("CAPTIONSEARCH_QUEUE_TIMEOUT", "0.001")
    monkeypatch_module.setenv("CAPTIONSEARCH_READ_TIMEOUT", "1")
    server = LiveServer(corpus_index, tmp_path_factory.mktemp("tight"), workers=1, threads=1)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_past_capacity_requests_are_turned_away_at_once_with_retry_after(tight_server: LiveServer) -> None:
    connections = [socket.create_connection(address(tight_server.url), timeout=GUARD_SECONDS) for _ in range(40)]
    request = b"GET /search.json?q=rover HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    for connection in connections:  # all at once: they queue for the one thread
        connection.sendall(request)
    answers = []
    for connection in connections:
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
        connection.close()
        head, _, body = data.partition(b"\r\n\r\n")
        answers.append((int(head.split()[1]), head.decode("latin-1"), body))
    statuses = sorted({status for status, _, _ in answers})
    assert set(statuses) <= {200, 503} and 503 in statuses, statuses
    for status, head, body in answers:
        if status == 503:
            assert "Retry-After: 2" in head and "Content-Security-Policy" in head
            assert json.loads(body)["error"]["code"] == "busy"


def test_a_client_too_slow_to_send_its_request_is_disconnected(tight_server: LiveServer) -> None:
    with socket.create_connection(address(tight_server.url), timeout=GUARD_SECONDS) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while not closed and time.monotonic() - started < GUARD_SECONDS:
            try:
                connection.sendall(b"X-Slow: yes\r\n")
                connection.settimeout(0.3)
                closed = connection.recv(1024) == b""
            except socket.timeout:
                continue
            except OSError:
                closed = True
    assert closed


def test_the_app_turns_away_a_request_that_queued_too_long(client) -> None:
    from captionsearch.app.load import QUEUED_AT

    waited = client.get("/search?q=rover", environ_overrides={QUEUED_AT: time.monotonic() - 5},
                        headers={"Accept": "application/json"})
    assert waited.status_code == 503 and waited.headers["Retry-After"] == "2"
    assert waited.get_json()["error"]["code"] == "busy" and all(name in waited.headers for name in HEADERS)
    fresh = client.get("/search?q=rover", environ_overrides={QUEUED_AT: time.monotonic()})
    assert fresh.status_code == 200
