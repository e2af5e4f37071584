"""The import rules of docs/architecture.md, checked on the source: imports run one way.

Every ``import`` and ``from ... import`` of src/captionsearch (those inside
functions too: a lazy import is still a dependency) is read with ``ast``,
each module is put in its area, and each area in a layer. An import may stay
in its area or go down to a lower layer, never up or sideways; a few rules
that layers alone cannot say are checked on their own.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "captionsearch"

# Lowest first. An import from one area to another must go to a lower layer.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer.split())
    for layer in (
        "version errors",
        "settings records processes index-files rule_tokenizer",
        "images nlp",
        "corpus",
        "search-core",
        "search-whoosh",
        "search-service audit",
        "indexing",
        "app",
        "server",
        "cli package",
    )
)
SEARCH_CORE = {"backend", "engine", "querylang", "distance"}  # the seam, and what every backend may use
HEAVY = {"whoosh": {"search-whoosh"}, "flask": {"app"}, "werkzeug": {"app"}, "jinja2": {"app"},
         "spacy": {"nlp"}, "gunicorn": {"server"}, "waitress": {"server"}}


def area(module: str) -> str:
    """The area of a module of captionsearch (dotted name)."""
    parts = module.split(".")[1:]
    if not parts:
        return "package"  # captionsearch/__init__.py: it imports the callable search package
    if parts == ["__version__"]:
        return "version"
    if parts[0] == "search":
        if parts[1:2] == ["whoosh"]:
            return "index-files" if parts[2:] in ([], ["files"]) else "search-whoosh"
        return "search-core" if parts[1:2] and parts[1] in SEARCH_CORE else "search-service"
    if parts[0] == "buffered_worker":
        return "server"
    return parts[0]


def layer(name: str) -> int:
    return next(number for number, members in enumerate(LAYERS) if name in members)


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(SRC).with_suffix("")
        if relative.parts[1:2] == ("web",):
            continue  # the front end's templates, linked in for a source checkout
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        yield ".".join(parts), path


def is_module(dotted: str) -> bool:
    path = SRC.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in the file, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield (name if is_module(name) or name == "captionsearch.__version__" else base), node.lineno


EDGES = [(module, target, line) for module, path in modules() for target, line in imports(module, path)]
OURS = [(module, target, line) for module, target, line in EDGES if target.split(".")[0] == "captionsearch"]


def test_the_areas_cover_every_module_and_the_reading_finds_the_imports() -> None:
    found = {area(module) for module, _ in modules()}
    assert found == set().union(*LAYERS) - {"version"}
    assert ("captionsearch.indexing.pipeline", "captionsearch.search.backend") in {(m, t) for m, t, _ in OURS}
    assert ("captionsearch.search.whoosh.reader", "whoosh") in {(m, t) for m, t, _ in EDGES}


def test_imports_go_down_the_layers() -> None:
    upward = [
        f"{module}:{line} imports {target} ({area(module)} -> {area(target)})"
        for module, target, line in OURS
        if area(module) != area(target) and layer(area(target)) >= layer(area(module))
    ]
    assert upward == []


@pytest.mark.parametrize("library, allowed", sorted(HEAVY.items()))
def test_a_heavy_library_is_imported_by_its_area_only(library: str, allowed: set[str]) -> None:
    found = [f"{module}:{line}" for module, target, line in EDGES
             if target.split(".")[0] == library and area(module) not in allowed]
    assert found == []


def test_the_audit_never_imports_search_indexing_or_the_front_ends() -> None:
    found = [f"{module}:{line} imports {target}" for module, target, line in OURS if area(module) == "audit"
             and area(target) in {"search-core", "search-whoosh", "search-service", "index-files", "indexing",
                                  "app", "server", "cli"}]
    assert found == []


def test_nothing_imports_the_cli_and_only_the_server_imports_the_app() -> None:
    assert [f"{m}:{line}" for m, t, line in OURS if area(t) == "cli" and area(m) != "cli"] == []
    assert [f"{m}:{line}" for m, t, line in OURS if area(t) == "app" and area(m) not in {"app", "server"}] == []


def test_the_whoosh_backend_is_reached_through_the_seam_only() -> None:
    """Outside search/whoosh/, its modules are named by search.backend.BACKENDS (a string), never imported.

    Corpus discovery asks the package's holds_index, which lives in files.py and imports no Whoosh.
    """
    outside = [f"{m}:{line} imports {t}" for m, t, line in OURS
               if area(t) == "search-whoosh" and area(m) != "search-whoosh"]
    assert outside == []
    files_imports = [t for m, t, _ in EDGES if area(m) == "index-files"]
    assert all(t.startswith(("captionsearch.search.whoosh.files", "__future__", "pathlib")) for t in files_imports)


def test_the_search_core_never_imports_the_service_or_a_backend() -> None:
    found = [f"{m}:{line} imports {t}" for m, t, line in OURS
             if area(m) == "search-core" and area(t) in {"search-service", "search-whoosh", "index-files"}]
    assert found == []


def test_the_audit_and_corpus_load_no_search_engine_web_framework_or_model() -> None:
    """What the layers say statically, checked at run time: `captionsearch audit` in CI starts fast."""
    code = ("import sys, captionsearch, captionsearch.audit, captionsearch.audit.runner, captionsearch.corpus;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('whoosh', 'flask', 'spacy', 'numpy')"
            " or m.startswith(('captionsearch.search.', 'captionsearch.indexing')) and m not in"
            " ('captionsearch.search.whoosh', 'captionsearch.search.whoosh.files')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
