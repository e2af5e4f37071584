"""Errors in the site's style, and one JSON shape: {"error": {"status", "code", "message"}}.

A user never sees a stack trace: unexpected exceptions are logged and
answered with a plain 500 page.
"""

from __future__ import annotations

from flask import Flask, Response, current_app
from werkzeug.exceptions import HTTPException

from ..errors import CaptionSearchError, ConfigError, IndexMissing, QuerySyntaxError
from .negotiation import respond

CODES = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    414: "uri-too-long",
    431: "headers-too-large",
    500: "internal-error",
    503: "index-missing",
}

TITLES = {
    400: "That search could not be read",
    404: "Page not found",
    405: "Method not allowed",
    414: "That address is too long",
    500: "Something went wrong",
    503: "The collection is not indexed yet",
}
CODE_TITLES = {
    "busy": "The server is busy",
    "audit-pending": "The audit is being prepared",
}


class BadRequest(HTTPException):
    """A request parameter is out of bounds (too long, not a number, too many filters)."""

    code = 400


def error_payload(status: int, message: str, code: str | None = None) -> dict[str, dict[str, object]]:
    """The one error shape of every JSON answer."""
    return {"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message}}


def error_response(status: int, message: str, code: str | None = None, retry_after: int | None = None) -> Response:
    payload = error_payload(status, message, code)
    code = payload["error"]["code"]
    title = CODE_TITLES.get(code) or TITLES.get(status, "Error")
    response = respond("site/error.html", payload, status, error_status=status, code=code, title=title, message=message)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
        response.cache_control.no_store = True
    return response


def handle_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    messages = {
        404: "There is no page at this address. Try a search instead.",
        405: "This address does not accept that kind of request.",
    }
    message = exc.description if isinstance(exc, BadRequest) else messages.get(status, exc.name)
    return error_response(status, message)


def handle_library_error(exc: CaptionSearchError) -> Response:
    if isinstance(exc, QuerySyntaxError):
        return error_response(400, str(exc), "bad-query")
    if isinstance(exc, ConfigError):
        return error_response(400, str(exc), "bad-request")
    if isinstance(exc, IndexMissing):
        current_app.logger.error("%s", exc)
        return error_response(503, "The photo collection has not been indexed yet. "
                              "Run 'captionsearch index' on the server, then reload this page.")
    current_app.logger.error("library error: %s", exc)
    return error_response(500, "The server could not answer this request.")


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    current_app.logger.exception("unhandled error")
    return error_response(500, "The server could not answer this request. It has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(CaptionSearchError, handle_library_error)
    app.register_error_handler(Exception, handle_unexpected)
