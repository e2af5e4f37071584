"""What the files of a Whoosh index folder are called; importing this loads no Whoosh.

Corpus discovery and a run's staging copy need to know which files are the
index without opening it (and without the audit ever importing Whoosh).
"""

from __future__ import annotations

from pathlib import Path

INDEX_NAME = "MAIN"  # Whoosh's name for the index: _MAIN_<generation>.toc, MAIN_<segment>.*
SCHEMA_FILE = "SCHEMA_VERSION"  # the schema version the index was built with
SCHEMA_VERSION = "4"  # 4: every document carries has:image or has:no-image
DICTIONARY_FILE = "WORDS"  # the spelling dictionary: every word of every title, caption and alt text
PID_FILE = "writer.pid"  # which process holds the write lock
WRITE_LOCK = f"{INDEX_NAME}_WRITELOCK"
LOCK_FILES = (WRITE_LOCK, PID_FILE)  # stay with the folder they lock when a staging copy is swapped in


def holds_index(folder: Path) -> bool:
    """Whether ``folder`` holds a Whoosh index (ours or another's: a table of contents or a compound segment)."""
    return any(folder.glob(f"_{INDEX_NAME}_*.toc")) or any(folder.glob("*.seg"))


def is_index_file(name: str) -> bool:
    """Whether a file of an index folder is part of the index (not a lock, a cache or a thumbnail)."""
    if name in LOCK_FILES:
        return False
    return name in (SCHEMA_FILE, DICTIONARY_FILE) or name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_"))
