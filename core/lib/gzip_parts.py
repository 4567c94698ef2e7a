"""A gzip response assembled from a page compressed once: a stored page's fixed text is
deflated when the page is first asked for with gzip, and each response only puts its own
few bytes (CSRF token, one-time keys, the time it was drawn) in between, as uncompressed
("stored") deflate blocks.

The fixed text is deflated as one stream, with the values' places held by NUL bytes of
the values' own length, and flushed (byte-aligned, RFC 1951) on both sides of each place;
the compressed placeholders are dropped and the response's values put there instead.
Back-references keep their distances (same lengths), and none points into a placeholder:
a page without NUL bytes has nothing that matches them. A page with a NUL byte, or a
value of another length, is not assembled this way (`Deflated.of` gives None / `member`
raises ValueError) and is compressed whole instead.

The values are never compressed with anything, so the size of a response says nothing
about them: no BREACH oracle on the CSRF token, whatever a classmate writes on the page.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

# ID1 ID2, deflate, no flags, no time, no extra flags, unknown OS (RFC 1952).
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
MAX_STORED = 0xFFFF


@dataclass(frozen=True)
class Deflated:
    """The fixed text's deflate blocks, one run before, between and after the values."""

    runs: tuple[bytes, ...]  # len(values) + 1
    lengths: tuple[int, ...]  # each value's length

    @classmethod
    def of(cls, parts: Sequence[bytes | None], lengths: Sequence[int]) -> Deflated | None:
        """`parts`: the fixed text (bytes) and the values' places (None), in order, with
        `lengths` the values' lengths, one per None."""
        if any(part is not None and b"\0" in part for part in parts):
            return None
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        runs, run, places = [], [], iter(lengths)
        for part in parts:
            if part is not None:
                run.append(compressor.compress(part))
                continue
            run.append(compressor.flush(zlib.Z_SYNC_FLUSH))
            runs.append(b"".join(run))
            compressor.compress(b"\0" * next(places))
            compressor.flush(zlib.Z_SYNC_FLUSH)  # the placeholder's blocks: dropped
            run = []
        run.append(compressor.flush(zlib.Z_FINISH))  # the last block
        runs.append(b"".join(run))
        return cls(tuple(runs), tuple(lengths))

    def member(self, plain: Sequence[bytes], values: Sequence[bytes]) -> bytes:
        """One gzip member: the fixed text's runs with `values` stored between them;
        `plain` is the whole response's text, for the checksum and size."""
        if tuple(len(value) for value in values) != self.lengths:
            raise ValueError("a value's length differs from its placeholder's")
        out = [HEADER]
        for run, value in zip(self.runs, values, strict=False):
            out += [run, stored(value)]
        out.append(self.runs[-1])
        crc, size = 0, 0
        for piece in plain:
            crc, size = zlib.crc32(piece, crc), size + len(piece)
        out.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
        return b"".join(out)


def stored(value: bytes) -> bytes:
    """`value` as uncompressed deflate blocks, none of them the last."""
    blocks = []
    for start in range(0, len(value), MAX_STORED):
        chunk = value[start : start + MAX_STORED]
        blocks.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)
