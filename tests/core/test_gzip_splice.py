"""core.gzip_splice: a pre-deflated part spliced between freshly deflated text is one gzip
stream that every decoder reads back as the whole text."""

import gzip
import os
import random
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.gzip_splice import DeflatedFragment, crc32_combine, deflate_fragment, splice

NON_ASCII = "서울 지하철 2호선 — café, naïve, 北京 «quotes» 🚇\n".encode()


def decoded(stream: bytes) -> list[bytes]:
    """Return the stream as each decoder reads it: gzip's reader and zlib's (wbits 31)."""
    inflater = zlib.decompressobj(31)
    by_zlib = inflater.decompress(stream) + inflater.flush()
    assert inflater.eof
    assert inflater.unused_data == b""
    return [gzip.decompress(stream), by_zlib, zlib.decompress(stream, 31)]


def assert_splices(before: bytes, fragment: bytes, after: bytes, **options) -> bytes:
    stream = splice(before, deflate_fragment(fragment), after, **options)
    for text in decoded(stream):
        assert text == before + fragment + after
    return stream


@pytest.mark.parametrize("before", [b"", b"<html><body>"], ids=["no-before", "before"])
@pytest.mark.parametrize("fragment", [b"", b"<li>one</li>"], ids=["no-fragment", "fragment"])
@pytest.mark.parametrize("after", [b"", b"</body></html>"], ids=["no-after", "after"])
def test_empty_parts_splice(before, fragment, after):
    assert_splices(before, fragment, after)


def test_non_ascii_text_splices():
    assert_splices(NON_ASCII * 3, NON_ASCII * 500, "«fin» ✓".encode())


def test_fragment_over_64_kb_splices():
    rng = random.Random(7)
    words = [rng.randbytes(rng.randrange(2, 9)).hex().encode() for _ in range(3000)]
    fragment = b" ".join(rng.choice(words) for _ in range(60_000))
    assert len(fragment) > 64 * 1024

    assert_splices(b"<ol>" * 100, fragment, b"</ol>" * 100)


def test_incompressible_fragment_splices():
    assert_splices(b"head", os.urandom(200_000), b"tail")


def test_long_range_repetition_splices():
    """Text repeated within and across the parts, at distances inside and beyond the 32 kB
    window: no back-reference may cross from one part into another."""
    block = os.urandom(20_000)
    before = block + b"<shell>" + block
    fragment = block + os.urandom(40_000) + block + block[:5000] + before[-30_000:]
    after = fragment[-25_000:] + block + before[:1000]

    assert_splices(before, fragment, after)


def test_gzip_trailer_holds_the_crc_and_length_of_the_whole():
    before, fragment, after = b"a" * 1000, NON_ASCII * 100, b"z" * 10
    stream = assert_splices(before, fragment, after)

    whole = before + fragment + after
    assert stream[-8:-4] == zlib.crc32(whole).to_bytes(4, "little")
    assert stream[-4:] == len(whole).to_bytes(4, "little")
    assert stream[:4] == b"\x1f\x8b\x08\x00"  # one gzip member, no optional fields
    assert stream[4:8] == b"\x00\x00\x00\x00"  # mtime 0


def test_name_padding_adds_a_file_name_decoders_skip():
    plain = assert_splices(b"before", NON_ASCII, b"after")
    padded = assert_splices(b"before", NON_ASCII, b"after", name_padding=37)

    assert padded[3] & 0x08  # FNAME
    assert len(padded) == len(plain) + 37 + 1  # the name and its terminating zero


def test_fragment_stream_ends_on_a_byte_boundary_without_a_final_block():
    fragment = deflate_fragment(NON_ASCII * 50)

    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(fragment.deflate) == NON_ASCII * 50  # all of it, flushed
    assert not inflater.eof  # no final block: the stream goes on after it
    assert fragment.deflate.endswith(b"\x00\x00\xff\xff")  # the sync flush's empty block
    assert fragment == DeflatedFragment(
        fragment.deflate, zlib.crc32(NON_ASCII * 50), len(NON_ASCII) * 50
    )


def test_spliced_fragment_bytes_appear_verbatim():
    fragment = deflate_fragment(b"<li>cached</li>" * 1000)

    assert fragment.deflate in splice(b"<ol>", fragment, b"</ol>")


@pytest.mark.parametrize("level", [1, 4, 6, 9])
def test_every_level_splices(level):
    stream = splice(
        b"x" * 500, deflate_fragment(NON_ASCII * 40, level=level), b"y" * 500, level=level
    )
    assert gzip.decompress(stream) == b"x" * 500 + NON_ASCII * 40 + b"y" * 500


@pytest.mark.parametrize("length", [0, 1, 3, 4, 255, 65_536, 320_961, 2**31 + 5])
def test_crc32_combine_matches_zlib(length):
    first = os.urandom(100)
    second = os.urandom(length) if length < 1_000_000 else None
    if second is None:  # too big to build: zeros, whose CRC is the CRC of a run of zeros
        second_crc = _crc_of_zeros(length)
        expected = _crc_of_zeros(length, start=zlib.crc32(first))
    else:
        second_crc = zlib.crc32(second)
        expected = zlib.crc32(first + second)

    assert crc32_combine(zlib.crc32(first), second_crc, length) == expected


def _crc_of_zeros(length: int, *, start: int = 0) -> int:
    chunk = bytes(1 << 24)
    crc = start
    while length:
        step = min(length, len(chunk))
        crc = zlib.crc32(chunk[:step], crc)
        length -= step
    return crc


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.binary(max_size=3000), st.binary(max_size=3000))
def test_any_three_parts_splice(before, fragment, after):
    assert crc32_combine(zlib.crc32(before), zlib.crc32(fragment), len(fragment)) == zlib.crc32(
        before + fragment
    )
    assert_splices(before, fragment, after)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=2000), st.text(max_size=5000), st.text(max_size=2000))
def test_any_text_splices(before, fragment, after):
    encode = lambda text: text.encode("utf-8", "surrogatepass")  # noqa: E731
    assert_splices(encode(before), encode(fragment), encode(after))
