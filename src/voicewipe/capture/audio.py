"""Audio replaced by silence of the same length and format.

A WAV keeps its RIFF structure and format chunk (what a player and voicewipe's export read),
every other chunk's bytes silenced: the samples (0 for 16-bit PCM, 128 for 8-bit, which is
unsigned) and any LIST/INFO chunk, where a recorder may write words. Other formats cannot be
silenced without an encoder: they become zero bytes of the same length, and the sidecar says
how many lost their format.
"""

from __future__ import annotations

import struct


def silence(body: bytes) -> tuple[bytes, bool]:
    """The silent body, and whether it kept its format (a WAV)."""
    if len(body) < 12 or body[:4] != b"RIFF" or body[8:12] != b"WAVE":
        return bytes(len(body)), False
    out = bytearray(body)
    fill = 0
    offset = 12
    while offset + 8 <= len(body):
        chunk = body[offset : offset + 4]
        (size,) = struct.unpack("<I", body[offset + 4 : offset + 8])
        start, end = offset + 8, min(len(body), offset + 8 + size)
        if chunk == b"fmt " and size >= 16:
            (bits,) = struct.unpack("<H", body[start + 14 : start + 16])
            fill = 0x80 if bits == 8 else 0
        else:
            out[start:end] = bytes([fill if chunk == b"data" else 0]) * (end - start)
        offset = end + (size & 1)  # chunks are padded to an even size
    if offset < len(body):  # bytes past the last chunk (padding, or a cut-off chunk)
        out[offset:] = bytes(len(body) - offset)
    return bytes(out), True
