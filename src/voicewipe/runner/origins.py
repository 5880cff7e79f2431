"""Which origins a flow may visit: scheme://host[:port], with `*.` wildcards for subdomains.

Password managers fill a password only on the origin it belongs to; voicewipe applies the
same rule to navigation, requests and (later) credentials.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from urllib.parse import urljoin, urlsplit

_DEFAULT_PORTS = MappingProxyType({"http": 80, "https": 443})


def origin_of(url: str) -> tuple[str, str, int] | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return None
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
    return parts.scheme, parts.hostname.lower(), port


def _matches(origin: tuple[str, str, int], pattern: str) -> bool:
    wanted = origin_of(pattern if "://" in pattern else f"https://{pattern}")
    if wanted is None:
        return False
    scheme, host, port = wanted
    if scheme != origin[0] or port != origin[2]:
        return False
    if host.startswith("*."):
        return origin[1].endswith(host[1:])
    return host == origin[1]


def origin_allowed(url: str, allowed: Sequence[str], *, base: str | None = None) -> bool:
    """True when `url` (resolved against `base`) is on an allowed origin; no list allows all."""
    if not allowed:
        return True
    if base and base != "about:blank":
        url = urljoin(base, url)
    origin = origin_of(url)
    if origin is None:
        return url.startswith(("about:", "data:"))
    return any(_matches(origin, pattern) for pattern in allowed)
