"""The capture file: HAR 1.2 (the format browsers' developer tools read and write), one entry
per request and its response, with voicewipe's own facts in underscore fields as HAR allows.

A capture holds every exchange after sign-in in the order the requests were sent: the pages
the browser loaded (document, script, style, image, fetch) and the requests voicewipe's steps
sent themselves (`source: api`: the JSON feeds, the audio). Bodies are text where they are
text, base64 otherwise; the file is indented so that a capture under git shows its changes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from voicewipe import __version__
from voicewipe.errors import UsageError
from voicewipe.fsutil import write_atomic

FORMAT = 1  # log._voicewipe.format: raised when a capture's meaning changes
Source = Literal["page", "api"]
Headers = tuple[tuple[str, str], ...]  # names in lower case, in the order sent

_TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


@dataclass
class Exchange:
    """One request and the response it got."""

    method: str
    url: str
    request_headers: Headers
    request_body: str | None  # the body as text (JSON, a form); None without one
    status: int
    status_text: str
    response_headers: Headers
    body: bytes
    source: Source
    resource: str  # what asked: document, script, stylesheet, image, fetch, xhr, api, ...
    started: str  # ISO 8601, UTC
    time_ms: float = 0.0

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def mime(self) -> str:
        return self.header("content-type").split(";")[0].strip().lower()

    def header(self, name: str, *, request: bool = False) -> str:
        """The first value of a header (names compared in lower case); '' when absent."""
        for key, value in self.request_headers if request else self.response_headers:
            if key == name:
                return value
        return ""

    @property
    def is_text(self) -> bool:
        mime = self.mime
        return mime.startswith(_TEXT_TYPES) or mime.endswith(("+json", "+xml"))

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Meta:
    """What the capture is of: written under log._voicewipe."""

    origin: str  # the site the flows opened (https://www.amazon.com, or the mock's address)
    marketplace: str
    language: str  # the labels file the flows used (en-US)
    account: str  # the account's e-mail address, as replaced (never the real one)
    made: str  # ISO 8601, UTC
    source: str  # "site" (a real marketplace) or "mock" with its options
    walk: list[str] = field(default_factory=list)  # what the walk covered, in words
    # The SHA-256 of the flows folder's YAML: whether the flows that walked were the shipped
    # ones or a mended copy (a maintainer's first question after "which version").
    flows: str = ""
    format: int = FORMAT
    version: str = __version__


@dataclass
class Capture:
    meta: Meta
    exchanges: list[Exchange]


def flows_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _pairs(headers: Headers) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers]


def _entry(exchange: Exchange) -> dict[str, Any]:
    query = parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(exchange.request_headers),
        "queryString": [{"name": k, "value": v} for k, v in query],
        "headersSize": -1,
        "bodySize": len(exchange.request_body.encode()) if exchange.request_body else 0,
    }
    if exchange.request_body is not None:
        request["postData"] = {
            "mimeType": exchange.header("content-type", request=True),
            "text": exchange.request_body,
        }
    content: dict[str, Any] = {"size": len(exchange.body), "mimeType": exchange.mime}
    if exchange.is_text:
        content["text"] = exchange.text()
    elif exchange.body:
        content["text"] = base64.b64encode(exchange.body).decode("ascii")
        content["encoding"] = "base64"
    return {
        "startedDateTime": exchange.started,
        "time": round(exchange.time_ms, 1),
        "request": request,
        "response": {
            "status": exchange.status,
            "statusText": exchange.status_text,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(exchange.response_headers),
            "content": content,
            "redirectURL": exchange.header("location"),
            "headersSize": -1,
            "bodySize": len(exchange.body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(exchange.time_ms, 1), "receive": 0},
        "_resourceType": exchange.resource,
        "_voicewipe": {"source": exchange.source},
    }


def dumps(capture: Capture) -> str:
    """The capture as HAR text."""
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "voicewipe", "version": capture.meta.version},
            "pages": [],
            "entries": [_entry(e) for e in capture.exchanges],
            "_voicewipe": capture.meta.__dict__,
        }
    }
    return json.dumps(har, indent=1, ensure_ascii=False) + "\n"


def write(path: Path, capture: Capture) -> None:
    write_atomic(path, dumps(capture).encode("utf-8"))


def _headers(items: Any) -> Headers:
    return tuple((str(h["name"]).lower(), str(h["value"])) for h in items or ())


def _exchange(entry: dict[str, Any]) -> Exchange:
    request, response = entry["request"], entry["response"]
    content = response.get("content") or {}
    text = content.get("text") or ""
    body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()
    post = request.get("postData")
    return Exchange(
        method=str(request["method"]).upper(),
        url=str(request["url"]),
        request_headers=_headers(request.get("headers")),
        request_body=None if post is None else str(post.get("text") or ""),
        status=int(response["status"]),
        status_text=str(response.get("statusText") or ""),
        response_headers=_headers(response.get("headers")),
        body=body,
        source="api" if (entry.get("_voicewipe") or {}).get("source") == "api" else "page",
        resource=str(entry.get("_resourceType") or ""),
        started=str(entry.get("startedDateTime") or ""),
        time_ms=float(entry.get("time") or 0),
    )


def read(path: Path) -> Capture:
    """A capture file; UsageError (one line) when it is missing or is no voicewipe capture."""
    try:
        data = json.loads(path.read_bytes())
        log = data["log"]
        meta = Meta(**log["_voicewipe"])
        exchanges = [_exchange(entry) for entry in log["entries"]]
    except FileNotFoundError:
        raise UsageError(f"{path}: no such capture file") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(
            f"{path}: not a voicewipe capture ({type(error).__name__}: {error}); make one "
            "with `voicewipe capture`"
        ) from None
    if meta.format > FORMAT:
        raise UsageError(
            f"{path}: a capture of format {meta.format}, newer than this voicewipe reads "
            f"({FORMAT}): upgrade voicewipe"
        )
    return Capture(meta, exchanges)
