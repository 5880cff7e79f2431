"""Data the test API server serves, shared by conftest.py and the tests that check it."""

from __future__ import annotations

# The bytes /files/blob.bin and /files/blob.gz serve (the second gzip-compressed).
BLOB = bytes(range(256)) * 40 + b"the end\n"

# Pagination of /api/pages: the token a request sends -> (its items, the next token).
PAGES: dict[str | None, tuple[list[int], str | None]] = {
    None: ([1, 2, 3], "t2"),
    "t2": ([4, 5, 6], "t3"),
    "t3": ([7, 8], None),
}
