"""The baseline `captionsearch serve` is timed against: a minimal Flask app over Whoosh's own searcher.

It opens captionsearch's index folder with Whoosh's ``open_dir`` at start-up
and answers ``/search?q=WORDS`` with the total and the top ten ids, parsing
the query with Whoosh's QueryParser over the ``text`` field (which holds
stems: pass words already in their indexed form, as the benchmark does).
It serves with Flask's own development server, one thread.

    python bench/minimal_app.py INDEX_DIR PORT
"""

from __future__ import annotations

import sys

from flask import Flask, jsonify, request
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

INDEX_NAME = "MAIN"  # captionsearch.search.whoosh.files.INDEX_NAME, not imported: nothing of ours loads here


def create_app(index_dir: str) -> Flask:
    app = Flask(__name__)
    ix = whoosh_index.open_dir(index_dir, indexname=INDEX_NAME)
    parser = QueryParser("text", ix.schema)

    @app.get("/search")
    def search() -> object:
        with ix.searcher() as searcher:
            results = searcher.search(parser.parse(request.args.get("q", "")), limit=10)
            return jsonify(total=len(results), ids=[hit["id"] for hit in results])

    return app


if __name__ == "__main__":
    create_app(sys.argv[1]).run(host="127.0.0.1", port=int(sys.argv[2]))
