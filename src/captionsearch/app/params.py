"""Reading and bounding request parameters, and building URLs that keep them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from flask import current_app, url_for
from werkzeug.datastructures import MultiDict

from .error_pages import BadRequest

FILTER_PARAM = "f"
MAX_FILTER_LENGTH = 200


@dataclass(frozen=True)
class SearchParams:
    """What a /search request asks for: query, page, page size and facet filters ("group:value")."""

    query: str
    page: int
    limit: int
    filters: tuple[str, ...]

    def url(self, endpoint: str = "site.search", **changes: Any) -> str:
        """This search's URL with ``changes`` (query, page, filters) applied."""
        query = changes.get("query", self.query)
        page = changes.get("page", self.page)
        filters = changes.get("filters", self.filters)
        args: dict[str, Any] = {"q": query}
        if filters:
            args[FILTER_PARAM] = list(filters)
        if page != 1:
            args["page"] = page
        if self.limit != current_app.config["RESULTS_PER_PAGE"]:
            args["limit"] = self.limit
        return url_for(endpoint, **args)

    def with_filter(self, key: str) -> str:
        return self.url(filters=(*self.filters, key) if key not in self.filters else self.filters, page=1)

    def without_filter(self, key: str) -> str:
        return self.url(filters=tuple(f for f in self.filters if f != key), page=1)


def search_params(args: MultiDict[str, str] | Mapping[str, Any]) -> SearchParams:
    """Read q, page, limit and f (repeatable) with the app's bounds; BadRequest when out of them."""
    config = current_app.config
    query = " ".join(str(args.get("q", "")).split())
    if len(query) > config["MAX_QUERY_LENGTH"]:
        raise BadRequest(f"The search is too long ({len(query)} characters); "
                         f"use at most {config['MAX_QUERY_LENGTH']}.")
    filters = tuple(dict.fromkeys(args.getlist(FILTER_PARAM))) if hasattr(args, "getlist") else ()
    if len(filters) > config["MAX_FILTERS"]:
        raise BadRequest(f"Too many filters ({len(filters)}); use at most {config['MAX_FILTERS']}.")
    for key in filters:
        group, sep, value = key.partition(":")
        if not (sep and group and value) or len(key) > MAX_FILTER_LENGTH:
            raise BadRequest(f"A filter must look like group:value (for example place:Moon), not {key[:60]!r}.")
    page = _whole_number(args.get("page"), 1, "page")
    limit = _whole_number(args.get("limit"), config["RESULTS_PER_PAGE"], "limit")
    return SearchParams(query, page, limit, filters)


_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")  # ASCII digits: str.isdigit() also takes "²", which int() refuses


def _whole_number(raw: Any, default: int, name: str) -> int:
    if raw in (None, ""):
        return default
    text = str(raw).strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise BadRequest(f"'{name}' must be a whole number, not {text[:20]!r}.")
    return int(text)
