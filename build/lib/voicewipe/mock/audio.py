"""Small generated WAV recordings, gzip-compressed as the real audio endpoint sends them.

Each recording is a few seeded tones (a "voice" of sorts) padded to the configured size, so
that exports have real, playable, distinct files without shipping any audio.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import math
import struct
from array import array

RATE = 8000  # Hz, mono, 16-bit: small, and every player understands it


@functools.lru_cache(maxsize=512)
def wav_gzip(uid: str, size: int) -> bytes:
    """The gzip-compressed WAV for `uid`, `size` bytes before compression (header included)."""
    return gzip.compress(wav(uid, size), compresslevel=1)


def wav(uid: str, size: int) -> bytes:
    samples = max(0, (size - 44) // 2)
    digest = hashlib.sha256(uid.encode()).digest()
    # Three tones picked from the id, each a third of the clip.
    third = samples // 3
    lengths = (third, third, samples - 2 * third)
    data = b"".join(_tone(180 + digest[i] * 2, n) for i, n in enumerate(lengths))
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16)
    header += b"data" + struct.pack("<I", len(data))
    # An odd size leaves one byte over: pad, so the file is exactly `size` long.
    return (header + data).ljust(max(size, 44), b"\0")


@functools.lru_cache(maxsize=1024)
def _tone(freq: int, samples: int) -> bytes:
    """`samples` of a sine at `freq`, faded in and out to avoid clicks. Cached: there are only
    256 frequencies, and the sine loop is the slow part of an export benchmark."""
    pcm = array("h", bytes(samples * 2))
    step = 2 * math.pi * freq / RATE
    for i in range(samples):
        fade = min(1.0, i / 200, (samples - i) / 200)
        pcm[i] = int(9000 * fade * math.sin(step * i))
    return pcm.tobytes()
