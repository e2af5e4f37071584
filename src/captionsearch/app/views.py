"""The site's pages: thin views that call the library and hand plain data to templates or JSON."""

from __future__ import annotations

import os
from itertools import islice
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_file

from .. import images
from ..errors import IndexMissing
from ..search import searching
from . import findings as audit_findings
from . import presenters, rule_pages
from .error_pages import error_payload, error_response
from .negotiation import respond, twin_route
from .page_cache import cached_page
from .params import search_params

site = Blueprint("site", __name__)

IMAGE_MAX_AGE = 365 * 24 * 3600  # image URLs carry a version, so they never change
PLACEHOLDER = "image-unavailable.svg"
PLACEHOLDER_MAX_AGE = 300
RETRY_AFTER = 2  # seconds, for a request turned away while the server is busy
AUDIT_RETRY_AFTER = 30  # seconds, while a large collection's audit is being prepared
HOME_SAMPLE = 8
HOME_SCAN = 500  # photos looked at to pick recent ones on the home page
MORE_LIKE_THIS = 6


def index_dir() -> str:
    return str(current_app.config["INDEX_DIR"])


def cache_dir() -> str:
    return str(current_app.config["CACHE_DIR"] or os.path.join(index_dir(), "thumbnails"))


@twin_route(site, "/")
def home() -> Response:
    """Search box, collection counts and a few recent photos (rendered once per index version)."""
    return cached_page("home", index_dir(), _home)


def _home() -> Response:
    count = searching.photo_count(index_dir())
    facets = searching.collection_facets(index_dir())
    scanned = islice(searching.all_photos(index_dir()), HOME_SCAN)
    recent = sorted(scanned, key=lambda p: (p.record.date or "", p.record.id), reverse=True)[:HOME_SAMPLE]
    payload = {
        "photos": count,
        "facets": {g: [v.to_dict() for v in values] for g, values in facets.items()},
        "recent": [presenters.photo_dict(p) for p in recent],
    }
    return respond("site/home.html", payload, count=count, facets=facets, recent=recent)


@twin_route(site, "/search")
def search() -> Response:
    """Results, facets and pagination for ?q=&page=&f=group:value."""
    params = search_params(request.args)
    result = searching.search(params.query, index_dir(), page=params.page, limit=params.limit,
                              filters=params.filters)
    return respond("site/search.html", lambda: presenters.search_dict(result), result=result, params=params)


@twin_route(site, "/photo/<photo_id>")
def photo(photo_id: str) -> Response:
    """One photo: image, text, entities, its audit findings and similar photos."""
    found = searching.get_photo(photo_id, index_dir())
    if found is None:
        abort(404)
    problems = audit_findings.photo_findings(found.record)
    similar = searching.more_like_this(photo_id, index_dir(), MORE_LIKE_THIS)
    payload = lambda: {  # noqa: E731 - built only for the JSON twin
        "photo": presenters.photo_dict(found),
        "findings": [f.to_dict() for f in problems],
        "more_like_this": [presenters.photo_dict(p) for p in similar],
    }
    return respond("site/photo.html", payload, photo=found, findings=problems, similar=similar,
                   entities=presenters.entity_links(found), fix_of=audit_findings.rule_fix,
                   help_of=audit_findings.rule_help)


@twin_route(site, "/audit")
def audit() -> Response:
    """The collection's findings by rule and severity."""
    return cached_page("audit", index_dir(), _audit, id(audit_findings.audit_config()))


def _audit() -> Response:
    report = audit_findings.collection_audit(index_dir(), cache_dir())
    if report is None:
        return error_response(503, "The collection's audit is being prepared; this page will show it in a few "
                              "minutes.", "audit-pending", retry_after=AUDIT_RETRY_AFTER)
    return respond("site/audit.html", report.to_dict, report=report)


@twin_route(site, "/rules")
def rules() -> Response:
    """Every audit rule: severity, WCAG references and what it asks for."""
    docs = rule_pages.rule_docs(audit_findings.audit_config())
    return respond("site/rules.html", lambda: {"rules": [doc.to_dict() for doc in docs]}, rules=docs)


@twin_route(site, "/rules/<rule_id>")
def rule(rule_id: str) -> Response:
    """One audit rule's documentation: what it flags, why it matters, how to fix it."""
    doc = rule_pages.rule_doc(rule_id, audit_findings.audit_config())
    if doc is None:
        abort(404)
    return respond("site/rule.html", lambda: {**doc.to_dict(), "page_markdown": doc.page_markdown()}, rule=doc)


@site.route("/healthz")
def healthz() -> Response:
    """200 and the photo count when the index answers; 503 in the error shape when it does not."""
    try:
        count = searching.photo_count(index_dir())
    except IndexMissing:
        response = jsonify(error_payload(503, "no index: run 'captionsearch index' first", "index-missing"))
        response.status_code = 503
    else:
        response = jsonify({"status": "ok", "photos": count})
    response.cache_control.no_store = True
    return response


@site.route("/opensearch.xml")
def opensearch() -> Response:
    body = render_template("site/opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")


@site.route("/image/<photo_id>/<size>.jpg")
def image(photo_id: str, size: str) -> Any:
    """A resized image of an indexed photo, by record id: never a path from the request.

    A photo whose image cannot be made (refused at index time, gone,
    changed into something unreadable) gets a placeholder, not an error.
    """
    if size not in images.SIZES:
        abort(404)
    found = searching.get_photo(photo_id, index_dir())
    if found is None or found.record.image_file is None:
        abort(404)  # no such photo, or its image is hosted elsewhere
    source = images.servable_path(found.record.image_file)
    if source is None:
        return _placeholder()
    try:
        path = images.rendition(source, size, cache_dir(), current_app.config["IMAGE_LIMITS"])
    except images.RenderingBusy:
        return error_response(503, "The server is busy making images; try again in a moment.", "busy",
                              retry_after=RETRY_AFTER)
    except Exception as exc:  # noqa: BLE001 - an untrusted file may fail to decode in any way
        current_app.logger.warning("cannot resize %s: %s", found.record.image_file.path, exc)
        return _placeholder()
    response = send_file(path, mimetype="image/jpeg", max_age=IMAGE_MAX_AGE, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def _placeholder() -> Response:
    response = current_app.send_static_file(PLACEHOLDER)
    response.cache_control.max_age = PLACEHOLDER_MAX_AGE  # short: a fixed image shows after the next index run
    response.cache_control.public = True
    return response
