"""Every page has a JSON twin: the same URL with ``.json``, or ``Accept: application/json``."""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, Response, jsonify, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider

JSON_SUFFIX = ".json"


def json_rule(rule: str) -> str:
    """'/search' -> '/search.json'; '/' -> '/.json'."""
    return rule + JSON_SUFFIX


def twin_route(blueprint: Blueprint, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view under ``rule`` and under its JSON twin (endpoint ``<name>_json``)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        blueprint.add_url_rule(rule, view_func=view, **options)
        blueprint.add_url_rule(json_rule(rule), endpoint=f"{view.__name__}_json", view_func=view, **options)
        return view

    return decorator


def wants_json() -> bool:
    """The ``.json`` twin was asked for, or the client prefers JSON to HTML."""
    if request.path.endswith(JSON_SUFFIX):
        return True
    accept = request.accept_mimetypes
    return accept.quality("application/json") > accept.quality("text/html")


def respond(template: str, payload: Callable[[], Any] | Any, status: int = 200, **context: Any) -> Response:
    """The page rendered from ``template``, or its JSON twin ``payload`` (a value or a callable)."""
    if wants_json():
        response = jsonify(payload() if callable(payload) else payload)
        response.status_code = status
    else:
        response = make_response(render_template(template, **context), status)
    response.vary.add("Accept")
    return response


class HTMLSafeJSONProvider(DefaultJSONProvider):
    """JSON with <, > and & written as \\u escapes: the same data, and inert if a browser ever sniffs it."""

    sort_keys = False  # keep the documented field order

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
