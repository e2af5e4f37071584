"""The web front end: ``create_app(config)`` builds a Flask app; nothing is opened at import time.

Templates and static files live in the ``captionsearch.web`` package (``web/``
in the source tree) and are found through importlib.resources, so an
installed wheel serves them too. The index is opened on the first request
that needs it, through the library's per-process searcher pool.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Mapping

from flask import Flask
from jinja2 import PackageLoader, select_autoescape

from ..images import ImageLimits
from ..settings import DEFAULT_INDEX_DIR, DEFAULT_LIMIT, DEFAULT_QUEUE_TIMEOUT
from . import error_pages, load, security, views
from .negotiation import HTMLSafeJSONProvider
from .presenters import register_template_helpers

WEB_PACKAGE = "captionsearch.web"

DEFAULTS: dict[str, Any] = {
    "INDEX_DIR": DEFAULT_INDEX_DIR,
    "CACHE_DIR": "",  # thumbnails; default <INDEX_DIR>/thumbnails
    "RESULTS_PER_PAGE": DEFAULT_LIMIT,
    "MAX_QUERY_LENGTH": 200,
    "MAX_FILTERS": 12,
    "SITE_NAME": "captionsearch",
    "AUDIT_CONFIG": None,  # an audit.config.AuditConfig; default: the project's settings
    "IMAGE_LIMITS": ImageLimits(),  # the guard around making a rendition
    "QUEUE_TIMEOUT": DEFAULT_QUEUE_TIMEOUT,  # seconds a request may have queued for a thread (see load.py); 0 = never turn away
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A new app; ``config`` overrides DEFAULTS (INDEX_DIR, CACHE_DIR, RESULTS_PER_PAGE, ...)."""
    web_root = resources.files(WEB_PACKAGE)
    app = Flask(
        __name__,
        static_folder=str(web_root / "static"),
        static_url_path="/static",
        template_folder=None,
    )
    app.jinja_loader = PackageLoader(WEB_PACKAGE, "templates")
    app.jinja_env.autoescape = select_autoescape(["html", "xml"], default_for_string=True, default=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    app.json = HTMLSafeJSONProvider(app)
    # "//" in a path is not folded into a redirect: Werkzeug would build its
    # Location from the request's Host header, which the client controls.
    app.url_map.merge_slashes = False
    app.register_blueprint(views.site)
    load.init_app(app)
    security.init_app(app)
    error_pages.init_app(app)
    register_template_helpers(app)
    return app
