"""The collection's audit for a large collection: made by one background process, never on a request.

Auditing every photo takes minutes at 50,000 (the vague rules run the
trained pipeline over each caption) and holds every record in memory. A
request for /audit starts that work in a separate process, once per index
version and audit settings, whichever worker asks first, and is answered
503 with Retry-After until the result is ready; every worker then reads the
result file. The process runs at a lower priority than the server's and
gives its memory back when it exits.

    python -m captionsearch.app.audit_job INDEX_DIR RESULT_FILE CONFIG_FILE
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..audit.config import AuditConfig
from ..processes import die_with_parent

RESULT_PREFIX = "collection-audit-"
JOB_NICENESS = 10  # the server's requests come first
_JOBS: list[subprocess.Popen] = []  # started here: reaped once they end


def version(index_dir: str, config: AuditConfig) -> str:
    """Changes when the index is rewritten (a commit, a rebuild swapped in) or the audit settings change."""
    info = os.stat(index_dir)
    key = f"{os.path.abspath(index_dir)}|{info.st_ino}|{info.st_mtime_ns}|{config!r}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def prepared(index_dir: str, config: AuditConfig, folder: str) -> Any | None:
    """The audit of this index version if it is ready; otherwise start making it (once) and return None."""
    _JOBS[:] = [job for job in _JOBS if job.poll() is None]
    name = version(index_dir, config)
    result = Path(folder) / f"{RESULT_PREFIX}{name}.pickle"
    if result.exists():
        with result.open("rb") as file:
            return pickle.load(file)  # written by this module, in the server's own cache folder
    _start_once(index_dir, config, result)
    return None


def finish_jobs(timeout: float) -> None:
    """Wait up to ``timeout`` seconds for the jobs this process started (at shutdown, in tests)."""
    for job in _JOBS:
        try:
            job.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    _JOBS[:] = [job for job in _JOBS if job.poll() is None]


def _start_once(index_dir: str, config: AuditConfig, result: Path) -> None:
    """Start the job unless one for this version is running (its pid file names a live process)."""
    result.parent.mkdir(parents=True, exist_ok=True)
    running = result.with_suffix(".running")
    try:
        fd = os.open(running, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if _alive(running):
            return
        running.unlink(missing_ok=True)  # left by a job that died: start again
        return _start_once(index_dir, config, result)
    settings = result.with_suffix(".config")
    settings.write_bytes(pickle.dumps(config))
    job = subprocess.Popen(
        [sys.executable, "-m", __name__, index_dir, str(result), str(settings)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=None, start_new_session=True,
    )
    _JOBS.append(job)
    with os.fdopen(fd, "w") as file:
        file.write(f"{job.pid}\n")


def _alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def main(argv: list[str]) -> int:
    from .findings import audit_collection

    index_dir, result, settings = argv
    die_with_parent()  # a server that stops takes its unfinished job with it
    os.nice(JOB_NICENESS)
    config = pickle.loads(Path(settings).read_bytes())
    report = audit_collection(index_dir, config)
    target = Path(result)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".audit-")
    with os.fdopen(fd, "wb") as file:
        pickle.dump(report, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, target)
    for old in target.parent.glob(f"{RESULT_PREFIX}*"):
        if old.stem != target.stem:
            old.unlink(missing_ok=True)  # results, configs and pid files of older versions
    target.with_suffix(".running").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
