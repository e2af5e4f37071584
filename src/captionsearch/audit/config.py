"""The audit's settings: ``[tool.captionsearch.audit]``, as every other setting is read.

Declared once in AUDIT_SETTINGS (name, default, help, table "audit"); the same
declarations feed the loader, ``captionsearch audit --help``, ``captionsearch
settings`` and the documentation's table. One precedence for every command:
a flag, then the environment (CAPTIONSEARCH_AUDIT_<NAME>), then pyproject.toml,
then the default. The spaCy pipeline is the general ``pipeline`` setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..corpus.fields import DEFAULT_FIELDS, FieldMap, load_fields
from ..errors import ConfigError
from ..settings import (
    DEFAULT_PIPELINE,
    Setting,
    find_pyproject,
    load_settings,
    parse_list,
    parse_positive_int,
    read_table,
    resolve,
)
from .checks import MAX_ALT_LENGTH
from .model import SEVERITIES
from .rules import RULES

# No default home for the rule pages: reports carry the pages themselves (SARIF) or point to
# `--explain`; a team that publishes them (`captionsearch serve` does, at /rules/<id>) says where.
DEFAULT_HELP_BASE = ""


def parse_severity(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in SEVERITIES:
        raise ValueError(f"expected one of {', '.join(SEVERITIES)}, got {value!r}")
    return text


def parse_rules(value: Any) -> tuple[str, ...]:
    ids = parse_list(value)
    unknown = [i for i in ids if i not in RULES]
    if unknown:
        raise ValueError(f"unknown rule {', '.join(unknown)}; run 'captionsearch audit --list-rules'")
    return ids


def parse_severity_map(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        pairs = [part.split("=", 1) for part in parse_list(value)]
        if any(len(p) != 2 for p in pairs):
            raise ValueError(f"expected RULE=SEVERITY pairs, got {value!r}")
        value = dict(pairs)
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of rule = severity, got {value!r}")
    return {parse_rules(k)[0]: parse_severity(v) for k, v in value.items()}


def parse_per_file_ignores(value: Any) -> dict[str, tuple[str, ...]]:
    """{glob: rules} from a table, or "GLOB:RULE,RULE;GLOB:RULE" from a flag."""
    if isinstance(value, str):
        pairs = [part.split(":", 1) for part in value.split(";") if part.strip()]
        if any(len(p) != 2 for p in pairs):
            raise ValueError(f"expected GLOB:RULE[,RULE] entries separated by ';', got {value!r}")
        value = {glob.strip(): rules for glob, rules in pairs}
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of glob = [rules], got {value!r}")
    return {str(glob): parse_rules(rules) for glob, rules in value.items()}


def parse_fraction(value: Any) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise ValueError(f"expected a number above 0 and at most 1, got {value!r}")
    return number


def audit_setting(name: str, default: Any, help: str, parse: Any = str) -> Setting:
    return Setting(name, default, help, parse, table="audit")


AUDIT_SETTINGS: tuple[Setting, ...] = (
    audit_setting("select", (), "Rules to run (default: all).", parse_rules),
    audit_setting("ignore", (), "Rules not to run.", parse_rules),
    audit_setting("extend_select", (), "Rules to run in addition to select.", parse_rules),
    audit_setting("extend_ignore", (), "Rules not to run, in addition to ignore.", parse_rules),
    audit_setting("per_file_ignores", {}, "Rules not to run on some files: a table of glob = [rules] "
            "(or GLOB:RULE,RULE;GLOB:RULE).", parse_per_file_ignores),
    audit_setting("severity", {}, "Severity overrides: a table (or RULE=SEVERITY,...) of notice, warning, error.",
            parse_severity_map),
    audit_setting("fail_on", "error", "Lowest severity that fails the run (exit code 1).", parse_severity),
    audit_setting("max_alt_length", MAX_ALT_LENGTH, "alt-too-long: longest alt text, in characters.", parse_positive_int),
    audit_setting("vague_min_words", 2, "alt-vague, caption-vague: fewest distinct content words of a description.",
            parse_positive_int),
    audit_setting("generic_nouns", (), "alt-vague: extra nouns that name nothing concrete.", parse_list),
    audit_setting("placeholder_words", (), "alt-placeholder: extra texts that are placeholders.", parse_list),
    audit_setting("redundancy", 0.8, "alt-redundant-text: share of words in common that counts as repeating.",
            parse_fraction),
    audit_setting("include", (), "Glob patterns of files to audit inside the given folders (default: all inputs).",
            parse_list),
    audit_setting("exclude", (), "Glob patterns of files to skip.", parse_list),
    audit_setting("help_base_url", DEFAULT_HELP_BASE,
            "Where rule pages live: <base><rule-id>.md, or a URL with {rule} in it; empty: reports link none."),
    audit_setting("baseline", "", "Baseline file of accepted findings."),
    audit_setting("site_root", (), "Folders a site-root path (/assets/x.png) is looked up in, first match first "
            "(default: each audited folder, and its static/ and public/ folders).", parse_list),
)


@dataclass(frozen=True)
class AuditConfig:
    """The effective audit settings of one run."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] | None = None
    severity: Mapping[str, str] | None = None
    fail_on: str = "error"
    max_alt_length: int = MAX_ALT_LENGTH
    vague_min_words: int = 2
    generic_nouns: tuple[str, ...] = ()
    placeholder_words: tuple[str, ...] = ()
    redundancy: float = 0.8
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    help_base_url: str = DEFAULT_HELP_BASE
    baseline: str = ""
    site_root: tuple[str, ...] = ()
    pipeline: str = DEFAULT_PIPELINE
    fields: FieldMap = DEFAULT_FIELDS  # how a manifest's records name their fields ([tool.captionsearch.fields])

    def active_rules(self) -> tuple[str, ...]:
        chosen = set(self.select or RULES) | set(self.extend_select)
        dropped = set(self.ignore) | set(self.extend_ignore)
        return tuple(r for r in RULES if r in chosen and r not in dropped)

    def ignored_in(self, path: str) -> frozenset[str]:
        """Rules the per-file-ignores table switches off for ``path`` (matched as written and by name)."""
        from fnmatch import fnmatchcase
        from pathlib import PurePosixPath

        posix = PurePosixPath(path.replace("\\", "/"))
        names = (str(posix), posix.name, str(posix).removeprefix("./"))
        found: set[str] = set()
        for glob, rules in (self.per_file_ignores or {}).items():
            if any(fnmatchcase(name, glob) for name in names) or fnmatchcase(str(posix), "*/" + glob):
                found |= set(rules)
        return frozenset(found)

    def severity_of(self, rule_id: str) -> str:
        return (self.severity or {}).get(rule_id, RULES[rule_id].severity)


def load_audit_config(
    overrides: Mapping[str, Any] | None = None,
    pyproject: Path | None = None,
    environ: Mapping[str, str] | None = None,
    sources: dict[str, str] | None = None,
) -> AuditConfig:
    """Defaults, then ``[tool.captionsearch.audit]``, then CAPTIONSEARCH_AUDIT_* variables, then
    ``overrides`` (command-line flags); the pipeline is the general setting, read the same way."""
    path = pyproject if pyproject is not None else find_pyproject()
    table = read_table(path, "tool.captionsearch.audit")
    values = resolve(AUDIT_SETTINGS, table, overrides, environ, where="[tool.captionsearch.audit]", sources=sources)
    pipeline = load_settings({"pipeline": (overrides or {}).get("pipeline")}, pyproject=path, environ=environ)["pipeline"]
    fields = load_fields(pyproject=path, environ=environ)
    try:
        return AuditConfig(**values, pipeline=pipeline, fields=fields)
    except TypeError as exc:  # a setting declared above but not in AuditConfig
        raise ConfigError(f"audit settings out of step: {exc}") from exc
