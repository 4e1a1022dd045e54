"""Answers kept compressed while they wait: the same bytes back, secrets masked as they arrive
whatever the pieces they arrive in, and the compressed bytes stored by the cache as they are."""

import datetime as dt
import random
import zlib

import pytest

from crowdheat.plugin.core.answer_body import CompressedBody, as_bytes, chunks_of, compressed, head_of
from crowdheat.plugin.core.errors import redact_bytes
from crowdheat.plugin.core.heat_cache import HeatCache

TOKEN = "tok_9f8e7d6c5b4a39281706"


def written(data, cuts, secrets=()):
    body = CompressedBody(secrets)
    start = 0
    for cut in sorted(cuts) + [len(data)]:
        body += data[start:cut]
        start = cut
    return body.close()


def test_the_same_bytes_come_back_a_window_at_a_time():
    data = bytes(random.Random(1).choice(b'{}[],:"0123456789 abc') for _ in range(300_000))
    body = written(data, [1, 7, 65_536, 100_001])
    assert len(body) == len(data) and body.tobytes() == data and head_of(body, 50) == data[:50]
    assert b"".join(body.chunks(4096)) == data and all(len(c) <= 4096 for c in body.chunks(4096))
    assert len(body.compressed) < len(data) / 2
    assert as_bytes(body) == data and b"".join(chunks_of(data, 1000)) == data


@pytest.mark.parametrize("seed", range(20))
def test_secrets_are_masked_whatever_pieces_the_answer_arrives_in(seed):
    """An echoed token (whole, or a piece of 12 characters or more) is masked as redact_bytes would
    mask it in the whole answer, even when the network cuts it in two."""
    rng = random.Random(seed)
    parts = []
    for _ in range(30):
        parts.append(bytes(rng.choice(b"abcdefghij,:{}") for _ in range(rng.randint(0, 200))))
        start = rng.randint(0, len(TOKEN) - 12)
        parts.append(TOKEN[start : rng.randint(start + 1, len(TOKEN))].encode())
    data = b"".join(parts)
    cuts = [rng.randint(0, len(data)) for _ in range(rng.randint(1, 60))]
    body = written(data, cuts, (TOKEN,))
    assert body.tobytes() == redact_bytes(data, (TOKEN,))
    assert TOKEN[:12].encode() not in body.tobytes()


def test_the_cache_stores_the_compressed_bytes_as_they_are(tmp_path):
    data = b'{"code": 200, "data": {"items": []}}' * 1000
    body = written(data, [100, 5000])
    cache = HeatCache(tmp_path / "answers.sqlite")
    try:
        day = dt.date(2025, 11, 20)
        cache.put("https://jike.example", {"fence": []}, day, body)
        (stored,) = cache.db.execute("SELECT answer FROM heat_answers").fetchone()
        assert stored == body.compressed  # not compressed again, not decompressed to be stored
        again = cache.get("https://jike.example", {"fence": []}, day)
        assert again.tobytes() == data and len(again) == len(data)
        assert zlib.decompress(compressed(data)) == data  # plain bytes are compressed the same way
    finally:
        cache.close()
