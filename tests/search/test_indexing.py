"""Incremental, atomic indexing on a real Whoosh index in a temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from captionsearch.errors import CaptionSearchError, IndexLocked, IndexMissing
from captionsearch.indexing import IndexOptions, documents, enrichment, index_records, options
from captionsearch.search import searching
from captionsearch.search.backend import get_backend
from captionsearch.search.whoosh.files import PID_FILE

from .conftest import make_record

PLAIN = IndexOptions(entities=False)


def ids(query: str, index_dir: Path) -> set[str]:
    return {hit.id for hit in searching.search(query, index_dir, limit=100, suggest=False).hits}


def collection(n: int = 5) -> list:
    return [make_record(f"photo-{i}", f"The rover crossed crater number {i} on the far side.") for i in range(n)]


def test_first_run_adds_everything_and_a_second_run_changes_nothing(index_dir: Path) -> None:
    first = index_records(collection(), index_dir, PLAIN)
    second = index_records(collection(), index_dir, PLAIN)
    assert (first.added, first.updated, first.deleted, first.unchanged) == (5, 0, 0, 0)
    assert (second.added, second.updated, second.deleted, second.unchanged) == (0, 0, 0, 5)
    assert ids("rover", index_dir) == {f"photo-{i}" for i in range(5)}


def test_changed_records_are_updated_and_removed_ones_deleted(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    records = collection()
    records[0] = make_record("photo-0", "A lander waits on the plain.")
    del records[4]
    report = index_records(records, index_dir, PLAIN)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 1, 1, 3)
    assert ids("rover", index_dir) == {"photo-1", "photo-2", "photo-3"}
    assert ids("lander", index_dir) == {"photo-0"}
    assert searching.photo_count(index_dir) == 4


def test_entities_are_cached_by_content_and_not_recomputed(index_dir: Path) -> None:
    records = [make_record("beijing", "Engineers at Beijing Aerospace Control Center in Beijing, China, watch.")]
    first = index_records(records, index_dir, IndexOptions(entities=True))
    assert first.enriched == 1
    photo = searching.get_photo("beijing", index_dir)
    assert ("place", "Beijing") in {(e.group, e.text) for e in photo.entities}
    # Same caption under a new id: the cache answers, the trained pipeline is not run again.
    renamed = [make_record("beijing-2", records[0].caption)]
    second = index_records(renamed, index_dir, IndexOptions(entities=True))
    assert (second.added, second.deleted, second.enriched) == (1, 1, 0)
    assert searching.get_photo("beijing-2", index_dir).entities == photo.entities


def test_search_tier_alone_then_enrichment_later(index_dir: Path) -> None:
    records = [make_record("p", "A probe lands near Beijing, China.")]
    index_records(records, index_dir, PLAIN)
    assert searching.get_photo("p", index_dir).entities == ()
    report = index_records(records, index_dir, IndexOptions(entities=True))
    assert report.updated == 1 and report.enriched == 1
    assert searching.get_photo("p", index_dir).entities


def test_rebuild_swaps_in_a_fresh_index(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    report = index_records(collection(2), index_dir, IndexOptions(entities=False, rebuild=True))
    assert report.added == 2
    assert searching.photo_count(index_dir) == 2
    assert not index_dir.with_name("index.rebuilding").exists()
    assert not index_dir.with_name("index.old").exists()


def test_searching_without_an_index_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="run 'captionsearch index corpus/' first"):
        searching.search("rover", tmp_path / "nowhere")


CRASHING_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from captionsearch.indexing.documents import build_document, PLAIN
    from captionsearch.records import CaptionRecord, Origin
    from captionsearch.search.backend import get_backend

    writer = get_backend().writer(sys.argv[1]).__enter__()
    for i in range(2000):
        record = CaptionRecord(id=f"new-{i}", image=f"/n/{i}.jpg", origin=Origin("m.json"),
                               caption=f"A lander number {i} on the plain.")
        writer.put(build_document(record, None, PLAIN))
    os.kill(os.getpid(), signal.SIGKILL)  # die mid-write, before commit
    """
)


def test_a_run_killed_mid_write_leaves_the_previous_index_searchable(index_dir: Path, tmp_path: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_WRITER, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(index_dir)], capture_output=True, timeout=120)
    assert run.returncode == -signal.SIGKILL
    assert (index_dir / PID_FILE).exists()  # the dead writer's pid file is left behind
    assert ids("rover", index_dir) == {f"photo-{i}" for i in range(5)}
    assert ids("lander", index_dir) == set()
    # The next run clears the stale lock, says so, and completes.
    report = index_records(collection(6), index_dir, PLAIN)
    assert report.recovered_lock_pid is not None and report.recovered_lock_pid != os.getpid()
    assert ids("rover", index_dir) == {f"photo-{i}" for i in range(6)}
    assert not (index_dir / PID_FILE).exists()


def test_an_exception_while_writing_cancels_the_whole_batch(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    with pytest.raises(RuntimeError):
        with get_backend().writer(index_dir) as writer:
            writer.put(documents.build_document(make_record("extra", "A lander."), None, documents.PLAIN))
            raise RuntimeError("disk full")
    assert ids("lander", index_dir) == set()
    assert searching.photo_count(index_dir) == 5


def test_a_live_writer_blocks_a_second_one_with_a_clear_message(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            """
            import sys, time
            from captionsearch.search.backend import get_backend
            w = get_backend().writer(sys.argv[1]).__enter__()
            print("locked", flush=True)
            time.sleep(60)
            """
        ), str(index_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLocked, match=f"being written by process {holder.pid}"):
            index_records(collection(6), index_dir, PLAIN)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_collection_facets_count_each_photo_once_after_updates(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    changed = [make_record(f"photo-{i}", f"A lander rests in crater {i}.") for i in range(5)]
    index_records(changed, index_dir, PLAIN)
    facets = searching.collection_facets(index_dir)
    assert sum(v.count for v in facets["status"]) == searching.photo_count(index_dir) == 5
    assert {v.value: v.count for v in facets["source"]} == {"manifest": 5}


def test_an_index_from_another_version_is_rebuilt_by_the_next_run(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    (index_dir / "SCHEMA_VERSION").write_text("0\n", encoding="utf-8")
    with pytest.raises(CaptionSearchError, match="captionsearch index --rebuild"):
        searching.search("rover", index_dir)
    report = index_records(collection(), index_dir, PLAIN)
    assert report.added == 5
    assert ids("rover", index_dir) == {f"photo-{i}" for i in range(5)}


def test_a_rebuild_is_seen_by_an_open_searcher_pool(index_dir: Path) -> None:
    index_records(collection(), index_dir, PLAIN)
    assert ids("rover", index_dir) == {f"photo-{i}" for i in range(5)}  # the pool now holds a searcher
    landers = [make_record(f"photo-{i}", f"A lander in crater {i}.") for i in range(5)]
    index_records(landers, index_dir, IndexOptions(entities=False, rebuild=True))
    assert ids("rover", index_dir) == set()
    assert ids("lander", index_dir) == {f"photo-{i}" for i in range(5)}


def test_records_stream_through_in_chunks_and_deletions_wait_for_the_end(index_dir: Path) -> None:
    index_records(collection(7), index_dir, PLAIN)
    read = []

    def records():
        for record in [make_record(f"photo-{i}", f"A lander rests in crater {i}.") for i in range(5)]:
            read.append(record.id)
            yield record

    report = index_records(records(), index_dir, IndexOptions(entities=False, commit_every=2))
    assert len(read) == 5 and report.records == 5
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 5, 2, 0)
    assert ids("lander", index_dir) == {f"photo-{i}" for i in range(5)}
    assert searching.photo_count(index_dir) == 5


def test_enrichment_reads_its_records_back_chunk_by_chunk(index_dir: Path) -> None:
    records = [make_record(f"p{i}", f"A probe lands near Beijing, China, on day {i}.") for i in range(5)]
    report = index_records(iter(records), index_dir, IndexOptions(entities=True, commit_every=2))
    assert (report.added, report.enriched) == (5, 5)
    for i in range(5):
        assert ("place", "Beijing") in {(e.group, e.text) for e in searching.get_photo(f"p{i}", index_dir).entities}
    again = index_records(iter(records), index_dir, IndexOptions(entities=True, commit_every=2))
    assert (again.unchanged, again.enriched) == (5, 0)


def test_enrichment_in_worker_processes_matches_enrichment_in_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers' entities and language judgements are the ones this process computes."""
    records = [
        make_record(f"p{i}", caption, alt=alt)
        for i, (caption, alt) in enumerate([
            ("A probe lands near Beijing, China.", "The view"),
            ("Engineers at NASA in Houston watch the landing.", "Engineers at consoles in a control room"),
            ("The rover Yutu-2 leaves the lander on the far side of the Moon.", "Image"),
            ("Xinhua reports from Beijing on January 3, 2019.", "Rover tracks in grey dust"),
            ("Chang'e 4 touched down in the Von Karman crater.", "A Soft Landing"),
            ("Scientists in Berlin, Germany, study the first pictures.", None),
            ("A camera on the lander photographs the rover.", "Rover beside the lander"),
        ])
    ]
    in_process, in_workers = tmp_path / "in-process", tmp_path / "in-workers"
    # Several chunks: each annotated while the last is written.
    index_records(records, in_process, IndexOptions(entities=True, procs=1, commit_every=3))
    monkeypatch.setattr(enrichment, "PARALLEL_FROM", 1)  # start workers even for these few captions
    report = index_records(records, in_workers, IndexOptions(entities=True, procs=2, commit_every=3))
    assert report.enriched == len(records)

    def enriched(index_dir: Path) -> dict[str, tuple]:
        photos = {r.id: searching.get_photo(r.id, index_dir) for r in records}
        return {i: (p.entities, p.facets) for i, p in photos.items()}

    expected = enriched(in_process)
    assert enriched(in_workers) == expected
    assert ("place", "Beijing") in {(e.group, e.text) for e in expected["p0"][0]}
    assert "status:alt-vague" in expected["p0"][1] and "status:alt-vague" not in expected["p3"][1]


def _killed(*args: object) -> None:
    """A worker's task that the system kills (pickled by name, so defined at module level)."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_run_is_one_clear_error_and_the_search_tier_stays(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed by the system (out of memory, say) must not end the run in a traceback."""
    records = [make_record(f"p{i}", f"A probe lands near Beijing on day {i}.") for i in range(5)]
    monkeypatch.setattr(enrichment, "PARALLEL_FROM", 1)
    monkeypatch.setattr(enrichment, "_entities", _killed)
    with pytest.raises(CaptionSearchError, match="worker process .* stopped .* procs = 1"):
        index_records(records, index_dir, IndexOptions(entities=True, procs=2))
    assert ids("probe", index_dir) == {f"p{i}" for i in range(5)}


def test_spelling_suggestions_follow_the_collection_as_it_changes(index_dir: Path) -> None:
    """The dictionary file only grows; a suggestion must still find photos."""
    index_records([make_record("a", "A telescope points at the Moon.")], index_dir, PLAIN)
    assert searching.search("telesope", index_dir).did_you_mean == "telescope"
    assert searching.search("quarentine", index_dir).did_you_mean is None
    index_records(
        [make_record("a", "A telescope points at the Moon."), make_record("b", "Astronauts leave quarantine.")],
        index_dir, PLAIN,
    )
    assert searching.search("quarentine", index_dir).did_you_mean == "quarantine"
    index_records([make_record("b", "Astronauts leave quarantine.")], index_dir, PLAIN)  # "a" deleted
    assert "telescope" in (index_dir / "WORDS").read_text(encoding="utf-8").split()
    assert searching.search("telesope", index_dir).did_you_mean is None
    assert searching.search("telescope", index_dir).total == 0


def test_progress_of_a_streamed_input_shows_the_count_and_rate_without_an_eta() -> None:
    import io

    from captionsearch.indexing.progress import Progress

    stream = io.StringIO()
    bar = Progress("indexing", None, enabled=True, stream=stream)
    bar.advance(3)
    assert bar.line(bar.started + 1).startswith("indexing: 3 (") and "ETA" not in bar.line(bar.started + 1)


def test_a_run_is_all_or_nothing_however_many_chunks_it_reads(index_dir: Path) -> None:
    index_records(collection(5), index_dir, PLAIN)

    def records_then_failure():
        for i in range(7):  # four chunks' worth: changes, additions...
            yield make_record(f"photo-{i}", f"A lander rests in crater {i}.")
        raise OSError("the disk holding the manifest went away")

    with pytest.raises(OSError):
        index_records(records_then_failure(), index_dir, IndexOptions(entities=False, commit_every=2))
    assert ids("lander", index_dir) == set()  # ...none of which became searchable
    assert ids("rover", index_dir) == {f"photo-{i}" for i in range(5)}
    assert searching.photo_count(index_dir) == 5


def _running_with(argument: str) -> list[int]:
    """Live processes whose command line holds ``argument`` (forked workers keep their parent's)."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            command = (folder / "cmdline").read_bytes()
            state = (folder / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if argument.encode() in command and state != "Z":  # a zombie has ended: only init has yet to reap it
            found.append(int(folder.name))
    return found


def test_kill_9_of_the_indexer_leaves_no_writer_process_and_the_index_as_it_was(index_dir: Path, tmp_path: Path) -> None:
    index_records(collection(5), index_dir, PLAIN)
    manifest = tmp_path / "photos.jsonl"
    with manifest.open("w", encoding="utf-8") as out:  # a first chunk large enough for two writer processes
        for i in range(options.PARALLEL_WRITER_THRESHOLD + 1_000):
            out.write(f'{{"id": "big-{i}", "image": "https://x.example/{i}.jpg", "caption": "A lander, number {i}."}}\n')
    run = subprocess.Popen([sys.executable, "-m", "captionsearch.cli", "index", str(manifest), "--index", str(index_dir),
                            "--no-entities", "--progress", "never", "-q"], stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and run.poll() is None and time.monotonic() < deadline:
        workers = [pid for pid in _running_with(str(manifest)) if pid != run.pid]
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(10)
    assert workers, "the run ended before its writer processes started"
    deadline = time.monotonic() + 10
    while _running_with(str(manifest)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running_with(str(manifest)) == []
    assert searching.photo_count(index_dir) == 5 and ids("rover", index_dir) == {f"photo-{i}" for i in range(5)}
    assert index_dir.with_name("index.staging").exists()  # the dead run's copy, never seen by a reader
    report = index_records(collection(6), index_dir, PLAIN)  # the next run takes over the dead one's lock
    assert report.recovered_lock_pid == run.pid and searching.photo_count(index_dir) == 6
    assert not index_dir.with_name("index.staging").exists()
