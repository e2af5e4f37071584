"""spaCy's tokenizer rules in plain Python: the same tokens as spaCy, and a search that never loads spaCy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from captionsearch import nlp, rule_tokenizer
from captionsearch.cli import main

HARD_CASES = [
    "rover's", "rovers'", "don't", "can't", "cannot", "(cannot)", "gonna.", "Gotta!", "y'all", "'Cause", "It's",
    "Chang'e-4", "Chang’e 4", "CHANG'E-4's", "Yutu-2’s", "Kármán", "O'Neil's", "mid-1990s", "3,000-km", "10km",
    "5kg.", "US$5", "$3.5bn", "£20", "e.g.", "i.e.,", "a.m.", "10a.m.", "2pm", "U.S.", "Ph.D.", "p.I", ":-)",
    ":)y", "(:", "...", "A--B", "x/y", "a=b", "http://example.com/a,b", "www.example.org.", "hello@world.org",
    "“Rover”", "«Lune»", "[1]", "(CNSA)", "50°C.", "#moon", "@cnsa", "rock-and-roll", "3+4", "Yutu-2—the",
    "tab\tand\nnewline  two spaces", " leading and trailing ", "", "🚀 rover 🌕", "中国 嫦娥四号",
]


def spacy_pieces(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each token spaCy's own tokenizer makes, whitespace tokens left out."""
    nlp.load_tokenizer()
    return [(token.idx, token.text) for token in nlp._tokenizer()(text) if not token.text.isspace()]


def bundled_texts(corpus_dir: Path) -> list[str]:
    entries = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))["photos"]
    texts = [entry.get(name) or "" for entry in entries for name in ("title", "caption", "alt")]
    for page in sorted(corpus_dir.glob("*.html")) + [corpus_dir / "README.md"]:
        texts.extend(page.read_text(encoding="utf-8").splitlines())
    return texts


def test_the_shipped_rules_are_the_installed_spacys() -> None:
    shipped = json.loads(rule_tokenizer.RULES_FILE.read_text(encoding="utf-8"))
    assert shipped == nlp.tokenizer_rules(), "spaCy changed: run python scripts/tokenizer_rules.py"


@pytest.mark.parametrize("text", HARD_CASES)
def test_hard_cases_are_split_as_spacy_splits_them(text: str) -> None:
    rules = rule_tokenizer.load()
    assert rules is not None
    assert rules(text) == spacy_pieces(text)


def test_every_text_of_the_bundled_corpus_is_split_as_spacy_splits_it(corpus_dir: Path) -> None:
    rules = rule_tokenizer.load()
    assert rules is not None
    texts = bundled_texts(corpus_dir)
    assert len(texts) > 100
    assert [rules(text) for text in texts] == [spacy_pieces(text) for text in texts]


def test_rules_written_from_another_spacy_release_are_not_used(tmp_path: Path) -> None:
    rules = json.loads(rule_tokenizer.RULES_FILE.read_text(encoding="utf-8"))
    other = tmp_path / "rules.json"
    other.write_text(json.dumps({**rules, "spacy": "0.0.1"}), encoding="utf-8")
    assert rule_tokenizer.read_rules(other) is None
    assert rule_tokenizer.read_rules(rule_tokenizer.RULES_FILE) is not None
    assert rule_tokenizer.read_rules(tmp_path / "missing.json") is None


@pytest.fixture(scope="module")
def bundled_index(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("rules") / "index"
    assert main(["index", str(corpus_dir), "--index", str(index_dir), "--no-entities", "-q"]) == 0
    return index_dir


def search_in_a_fresh_process(index_dir: Path, *query: str) -> tuple[str, list[str]]:
    """A one-off `captionsearch search` in its own interpreter: its output and the heavy libraries it loaded."""
    code = (
        "import sys\n"
        "from captionsearch.cli import main\n"
        f"code = main(['search', *{list(query)!r}, '--index', {str(index_dir)!r}, '--color', 'never'])\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'flask', 'thinc'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    out, _, loaded = run.stdout.rpartition("LOADED ")
    return out, json.loads(loaded.replace("'", '"'))


def test_a_one_off_search_finds_word_forms_without_loading_spacy(bundled_index: Path) -> None:
    out, loaded = search_in_a_fresh_process(bundled_index, "simulation")
    assert loaded == []
    assert "a **simulated** landing" in out
    out, loaded = search_in_a_fresh_process(bundled_index, "rovers")
    assert loaded == []
    assert out.startswith('5 photos match "rovers"') and "The **Rover**" in out


def test_a_one_off_search_still_corrects_a_typo_without_loading_spacy(bundled_index: Path) -> None:
    out, loaded = search_in_a_fresh_process(bundled_index, "simulaton")
    assert loaded == []
    assert 'showing results for "simulation"' in out and "**simulated**" in out
