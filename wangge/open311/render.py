"""GeoReport v2 bodies in XML and JSON (the Spark convention: a list root becomes a bare JSON array).

Every response is UTF-8; XML starts with its declaration and uses the spec's element names without a
namespace. ``None`` is ``null`` in JSON and an empty element in XML; booleans are ``true``/``false``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
FORMATS = ("xml", "json")

# The element name of each item of a list, by the list's own element name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


# Characters XML 1.0 cannot carry even escaped; a client may have sent them in free text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(_NOT_XML.sub("", str(value)))


def _element(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, Mapping):
        out.append(f"<{name}>")
        for key, child in value.items():
            _element(key, child, out)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        item = ITEM_NAMES[name]
        out.append(f"<{name}>")
        for child in value:
            _element(item, child, out)
        out.append(f"</{name}>")
    elif value is None or value == "":
        out.append(f"<{name}/>")
    else:
        out.append(f"<{name}>{_scalar(value)}</{name}>")


def to_xml(root: str, body: Any) -> str:
    """``body`` is a list (rendered as ``<root><item>…``) or a mapping (``<root><field>…``)."""
    out = [XML_DECLARATION]
    _element(root, body, out)
    return "".join(out)


def to_json(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def respond(fmt: str, root: str, body: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(to_json(body), content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, body), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, problems: Iterable[str], *, headers: Mapping[str, str] | None = None) -> HttpResponse:
    """The spec's error body: a list of {code, description}; ``code`` is the HTTP status."""
    body = [{"code": status, "description": str(text)} for text in problems]
    response = respond(fmt if fmt in FORMATS else "xml", "errors", body, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response
