"""Gzip responses that compress only what is new in each: a part kept pre-deflated, spliced.

A page that is mostly one cached part (the article page and its thread fragment) need not be
compressed whole on every request. The part is deflated once, and cached with it, into a raw
deflate stream that stops on a byte boundary without a final block (Z_SYNC_FLUSH); each
response deflates only the text around it and joins the three streams under one gzip header:

    header | deflate(before, SYNC_FLUSH) | the part's stream | deflate(after, FINISH) | CRC | ISIZE

That is one valid gzip member: a decoder reads deflate blocks until the final one, whichever
compressor wrote them, and no back-reference of a stream reaches before its own start. Its
CRC-32 is combined from the part's stored CRC (crc32_combine), so the part's bytes are not
read again.

A bonus against BREACH: the part and the text around it go through separate compressors, so
what readers write (comment text, in the thread) can never be matched against a secret in
the page around it (the CSRF token): neither is an oracle for the other.
"""

from functools import lru_cache
from typing import NamedTuple

# zlib-ng: zlib's format and, at the same level, the same size within 1% in about half the time
# (the 200-comment bench page, 368 kB at level 6: 38.7 kB in 1.45 ms against zlib's 38.9 kB in
# 2.63 ms, measured 2026-12-02). Any gzip decoder reads its streams.
from zlib_ng import zlib_ng as zlib

# Measured with zlib-ng on the bench's fragments (2026-12-02, median of 15): the 2,000-comment
# one (312 kB) at level 4 → 32.9 kB in 1.41 ms, 5 → 31.8 kB in 1.57 ms, 6 → 31.6 kB in 1.91 ms;
# the 200-comment one (351 kB) at 4 → 36.7 kB in 1.62 ms, 5 → 35.4 kB in 1.75 ms, 6 → 35.2 kB
# in 2.07 ms. Level 5 keeps the size within 1% of 6 for 15-18% less time on every rendering a
# cache miss deflates. The 11 kB of page around the fragment: level 1 → 36.7 kB spliced in
# 0.09 ms, 6 → 36.5 kB in 0.13 ms (with zlib; the whole page compressed at once: 4 ms).
LEVEL = 5
_RAW = -15  # wbits: raw deflate (no zlib or gzip wrapper), 32 kB window
_GZIP_MAGIC = b"\x1f\x8b\x08"  # ID1 ID2, CM = deflate
_FNAME = 0x08  # FLG bit: a zero-terminated file name follows the header
_HEADER_TAIL = b"\x00\x00\x00\x00\x00\xff"  # MTIME 0, XFL 0, OS unknown


class DeflatedFragment(NamedTuple):
    """A part of a page as a raw deflate stream ending on a byte boundary, not final."""

    deflate: bytes
    crc: int  # CRC-32 of the part's bytes
    length: int  # number of the part's bytes


def deflate_fragment(data: bytes, *, level: int = LEVEL) -> DeflatedFragment:
    """Return the bytes as a DeflatedFragment, ready to be spliced into any response."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, _RAW)
    stream = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return DeflatedFragment(stream, zlib.crc32(data), len(data))


def splice(
    before: bytes,
    fragment: DeflatedFragment,
    after: bytes,
    *,
    level: int = LEVEL,
    name_padding: int = 0,
) -> bytes:
    """Return the gzip stream of before + the fragment's bytes + after.

    name_padding: that many bytes of file name in the header (FNAME), which decoders ignore:
    the random length Django's GZipMiddleware adds (Heal The Breach), for the caller to give.
    """
    head = zlib.compressobj(level, zlib.DEFLATED, _RAW)
    tail = zlib.compressobj(level, zlib.DEFLATED, _RAW)
    crc = zlib.crc32(after, crc32_combine(zlib.crc32(before), fragment.crc, fragment.length))
    size = len(before) + fragment.length + len(after)
    return b"".join(
        (
            _header(name_padding),
            head.compress(before),
            head.flush(zlib.Z_SYNC_FLUSH),
            fragment.deflate,
            tail.compress(after),
            tail.flush(zlib.Z_FINISH),
            crc.to_bytes(4, "little"),
            (size & 0xFFFFFFFF).to_bytes(4, "little"),
        )
    )


def _header(name_padding: int) -> bytes:
    if not name_padding:
        return _GZIP_MAGIC + b"\x00" + _HEADER_TAIL
    return _GZIP_MAGIC + bytes((_FNAME,)) + _HEADER_TAIL + b"a" * name_padding + b"\x00"


# CRC-32 arithmetic as zlib's crc32_combine does it (zlib/crc32.c), which Python's zlib does not
# expose: polynomials over GF(2) modulo the CRC's, bit-reflected, x^0 being the top bit. Combining
# takes ~5 µs (~50 µs for a length not seen before); zlib.crc32 over the 321 kB fragment takes
# ~85 µs, after encoding its HTML again (~330 µs), which a gzip response otherwise never needs.
_POLY = 0xEDB88320


def _multmodp(a: int, b: int) -> int:
    """Return a times b modulo the CRC-32 polynomial."""
    product = 0
    mask = 1 << 31
    while a:
        if a & mask:
            product ^= b
            a ^= mask
        mask >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _x2n_table() -> tuple[int, ...]:
    power = 1 << 30  # x^1
    table = [power]
    for _ in range(31):
        power = _multmodp(power, power)
        table.append(power)
    return tuple(table)  # table[k] = x^(2^k)


_X2N = _x2n_table()


@lru_cache(maxsize=256)
def _x8nmodp(length: int) -> int:
    """Return x^(8 * length) modulo the CRC-32 polynomial: a shift by that many bytes."""
    power = 1 << 31  # x^0
    k = 3  # 8 * length = length * 2^3
    while length:
        if length & 1:
            power = _multmodp(_X2N[k & 31], power)
        length >>= 1
        k += 1
    return power


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """Return the CRC-32 of A + B from crc1 = crc32(A), crc2 = crc32(B) and B's length."""
    return _multmodp(_x8nmodp(length2), crc1) ^ crc2
