"""An answer's bytes kept compressed while they wait, read back a window at a time.

A heat answer of 35,000 cells is about 85 MB of JSON. With two requests in flight, one answer was
held whole while it was parsed and the next one whole while it arrived: ~170 MB for two byte
strings. Compressed as they arrive (zlib level 1: 4–6× smaller, and faster than the network),
they cost a fifth; the parser reads them back a window at a time, and the answers cache stores
the compressed bytes as they are.

Secrets are masked as the bytes arrive (``errors.redact_bytes`` on a sliding window that never
cuts an echoed secret in two), so what is compressed, parsed and cached holds none.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import mask_pieces, secret_patterns

LEVEL = 1
WINDOW = 1 << 20  # decompressed bytes handed to a reader at a time


class CompressedBody:
    """A write-once byte string stored zlib-compressed. ``len()`` is its decompressed size."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._compressor: Any = zlib.compressobj(LEVEL)  # None once closed
        self._parts: list[bytes] = []
        self._size = 0  # -1: counted when first asked for
        self.compressed = b""
        self._redactor = _Redactor(secrets)

    @classmethod
    def from_compressed(cls, compressed: bytes) -> CompressedBody:
        """A body made of stored compressed bytes (the answers cache's)."""
        body = cls()
        body._compressor = None
        body.compressed = bytes(compressed)
        body._size = -1  # counted when first asked for
        return body

    def __iadd__(self, data):
        self.write(data)
        return self

    def write(self, data) -> None:
        self._size += len(data)
        self._add(self._redactor.feed(bytes(data)))

    def _add(self, data):
        if data:
            out = self._compressor.compress(data)
            if out:
                self._parts.append(out)

    def close(self) -> CompressedBody:
        if self._compressor is not None:
            self._add(self._redactor.feed(b"", final=True))
            self._parts.append(self._compressor.flush())
            self.compressed = b"".join(self._parts)
            self._parts, self._compressor = [], None
        return self

    def __len__(self):
        if self._size < 0:
            self._size = sum(len(chunk) for chunk in self.chunks())
        return self._size

    def chunks(self, size: int = WINDOW) -> Iterator[bytes]:
        """The decompressed bytes, at most ``size`` at a time."""
        decompressor = zlib.decompressobj()
        view = memoryview(self.compressed)
        for start in range(0, len(view), 1 << 16):
            pending: bytes | memoryview = view[start : start + (1 << 16)]
            while pending:
                piece = decompressor.decompress(pending, size)
                pending = decompressor.unconsumed_tail
                if piece:
                    yield piece
        tail = decompressor.flush()
        if tail:
            yield tail

    def tobytes(self) -> bytes:
        """All of it at once (error bodies, answers of an unusual shape: small or rare)."""
        return b"".join(self.chunks())

    def head(self, count: int = 200) -> bytes:
        for chunk in self.chunks(count):
            return chunk
        return b""


def as_bytes(content) -> bytes:
    """``content`` (bytes, bytearray or a CompressedBody) as bytes."""
    return content.tobytes() if isinstance(content, CompressedBody) else bytes(content)


def compressed(content) -> bytes:
    """``content`` zlib-compressed, as the answers caches store it (a CompressedBody already is)."""
    return content.close().compressed if isinstance(content, CompressedBody) else zlib.compress(content, LEVEL)


def head_of(content, count: int = 200) -> bytes:
    """The first ``count`` bytes of ``content``, whatever holds them."""
    return content.head(count) if isinstance(content, CompressedBody) else bytes(content[:count])


def chunks_of(content, size: int = WINDOW) -> Iterator[bytes]:
    """``content``'s bytes a window at a time, whatever holds them."""
    if isinstance(content, CompressedBody):
        yield from content.chunks(size)
        return
    view = memoryview(content)
    for start in range(0, len(view), size):
        yield bytes(view[start : start + size])


class _Redactor:
    """Masks secrets in a stream of bytes: what is handed on never ends inside an echoed secret
    (a piece is at most as long as its secret, so the last ``longest - 1`` bytes wait for more,
    unless a piece that starts before them runs into them: then it goes whole)."""

    def __init__(self, secrets):
        self.secrets = [s.encode("utf-8") for s in secrets if s]
        self.patterns = secret_patterns(self.secrets)
        self.keep = max((len(s) for s in self.secrets), default=1) - 1
        self.tail = b""

    def feed(self, data: bytes, final: bool = False) -> bytes:
        if not self.secrets:
            return data
        text = self.tail + data
        cut = len(text) if final else max(0, len(text) - self.keep)
        for blocks, pattern in self.patterns:
            if cut < len(text) and any(block in text for block in blocks):
                # The same matches, in the same order, as masking all of it would find.
                for match in pattern.finditer(text):
                    if match.start() < cut < match.end():
                        cut = match.end()
                        break
        self.tail = text[cut:]
        return mask_pieces(text[:cut], self.patterns, b"***")
