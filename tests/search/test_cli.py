"""The command line, called as `main(argv)`: output, JSON, exit codes, errors without tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from captionsearch.cli import build_parser, main


@pytest.fixture(scope="module")
def cli_index(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    assert main(["index", str(corpus_dir), "--index", str(index_dir), "--no-entities", "-q"]) == 0
    return index_dir


def test_search_prints_hits_with_matches_marked(cli_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "rovers", "--index", str(cli_index), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('5 photos match "rovers"')
    assert "The **Rover**" in out and "lunar **rover**" in out
    assert "image: " in out and "id: the-rover" in out


def test_search_json_is_the_documented_shape(cli_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "far", "side", "--index", str(cli_index), "--json", "--limit", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "far side" and data["limit"] == 3 and len(data["hits"]) == 3
    assert data["hits"][0]["rank"] == 1 and data["total"] >= 3


def test_nothing_found_exits_1(cli_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "zeppelin", "--index", str(cli_index)]) == 1
    assert '0 photos match "zeppelin"' in capsys.readouterr().out


def test_an_index_of_nothing_yet_finds_nothing_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    index = tmp_path / "index"
    assert main(["index", str(tmp_path / "empty"), "--index", str(index), "--no-entities", "-q"]) == 0
    assert main(["search", "rover", "--index", str(index)]) == 1
    captured = capsys.readouterr()
    assert '0 photos match "rover"' in captured.out and "Traceback" not in captured.err


def test_a_typo_is_corrected_and_said(cli_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "simulaton", "--index", str(cli_index)]) == 0
    assert 'showing results for "simulation"' in capsys.readouterr().out


@pytest.mark.parametrize("query", ['"far side', "rover OR", "colour:red", "(rover"])
def test_query_syntax_errors_are_one_line_and_exit_2(cli_index: Path, capsys: pytest.CaptureFixture[str], query: str) -> None:
    assert main(["search", query, "--index", str(cli_index)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("captionsearch: error: ") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_missing_index_says_what_to_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "rover", "--index", str(tmp_path / "none")]) == 2
    assert "run 'captionsearch index corpus/' first" in capsys.readouterr().err


def test_bad_input_is_named_the_rest_indexed_and_the_exit_is_2(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "extra.json").write_text('[\n  {"id": "x", "image": "x.jpg",\n  "caption": oops}\n]\n', encoding="utf-8")
    (corpus / "images" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    index_dir = tmp_path / "index"
    assert main(["index", str(corpus), "--index", str(index_dir), "--no-entities"]) == 2
    err = capsys.readouterr().err
    assert f"{corpus / 'extra.json'}:3" in err
    assert "broken.jpg" in err
    assert "Traceback" not in err
    assert main(["search", "rover", "--index", str(index_dir)]) == 0  # the good files were indexed


def test_unchanged_corpus_reindexes_nothing(cli_index: Path, corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(corpus_dir), "--index", str(cli_index), "--no-entities"]) == 0
    assert "0 added, 0 updated, 0 removed, 11 unchanged" in capsys.readouterr().out


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"index", "search", "audit", "serve", "settings"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: captionsearch {name}") and len(out) > 200, name


def test_an_unreadable_file_does_not_take_its_photos_out_of_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "photos"
    corpus.mkdir()
    manifest = corpus / "photos.jsonl"
    lines = [f'{{"id": "p{i}", "image": "https://example.org/{i}.jpg", "caption": "A rover crosses crater {i}."}}'
             for i in range(3)]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = str(tmp_path / "index")
    assert main(["index", str(corpus), "--index", index_dir, "--no-entities"]) == 0
    manifest.write_text(lines[0] + "\n{broken\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["index", str(corpus), "--index", index_dir, "--no-entities", "--rebuild"]) == 2
    captured = capsys.readouterr()
    assert f"{manifest}:2" in captured.err
    assert "not rebuilt" in captured.err
    assert "2 kept though not in the input" in captured.out
    assert main(["search", "rover", "--index", index_dir, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 3


def test_progress_is_silent_in_ci_and_pipes(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from captionsearch.indexing.progress import Progress, progress_wanted

    monkeypatch.setenv("CI", "true")
    assert not progress_wanted("auto")
    assert progress_wanted("always") and not progress_wanted("never")
    stream = io.StringIO()
    bar = Progress("indexing", 4, enabled=True, stream=stream)
    bar.advance(4)
    bar.finish()
    assert "indexing: 4/4 (" in stream.getvalue() and "/s, ETA 0:00)" in stream.getvalue()


def test_an_unknown_filter_group_is_a_usage_error_naming_the_groups(cli_index, capsys):
    from captionsearch.cli import main

    assert main(["search", "rover", "--index", str(cli_index), "--filter", "bogus:x"]) == 2
    err = capsys.readouterr().err
    assert "unknown filter 'bogus:x'" in err and "place" in err and "year" in err


def test_a_query_that_starts_with_a_minus_is_a_query_after_the_double_dash(cli_index, capsys):
    from captionsearch.cli import main

    code = main(["search", "--index", str(cli_index), "--", "-artist", "--limit"])
    out = capsys.readouterr().out
    assert code == 0 and '"-artist --limit"' in out  # everything after -- is query words


def test_version_names_the_index_format_and_the_pipeline_without_loading_them():
    import subprocess
    import sys

    from captionsearch.search.whoosh import SCHEMA_VERSION

    code = "import sys; from captionsearch.cli import main; main(['--version'])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert f"index format {SCHEMA_VERSION};" in run.stdout and "English pipeline en_core_web_sm" in run.stdout
    loaded = subprocess.run([sys.executable, "-c", "import sys\nfrom captionsearch.cli import version_text\nversion_text()\n"
                             "print([m for m in ('spacy', 'whoosh') if m in sys.modules])"], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]"


def test_every_facet_an_index_holds_is_in_a_group_filters_accept(cli_index):
    from captionsearch.search.facets import FACET_GROUPS
    from captionsearch.search.searching import collection_facets

    assert set(collection_facets(cli_index)) <= set(FACET_GROUPS)
