"""The ClinicalTrials.gov full-study archive, read one member at a time.

The registry's bulk download (``https://clinicaltrials.gov/api/v2/studies/download?format=json.zip``)
is a zip holding one API v2 study JSON file per study, about 550,000 of them. ``zipfile.ZipFile``
reads the whole central directory into ``ZipInfo`` objects when it opens an archive: about 0.7 kB a
member, 375 MB for the registry, held for the whole run and growing with the number of trials. This
module walks the central directory itself, one record at a time, and reads each member's bytes as it
goes, so memory stays flat whatever the archive's size: one member's JSON at a time.

Members are yielded in the archive's own order. What cannot be read (a member compressed with a
method other than stored or deflate, an encrypted one, a bad checksum, a member too large to be a
study) is yielded as an ``ArchiveError`` for that member, never dropped; a file that is not a zip at
all raises ``ArchiveError``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

END = b"PK\x05\x06"  # end of central directory record
END64 = b"PK\x06\x06"  # zip64 end of central directory record
LOCATOR64 = b"PK\x06\x07"  # zip64 end of central directory locator
CENTRAL = b"PK\x01\x02"  # central directory file header
LOCAL = b"PK\x03\x04"  # local file header
STORED, DEFLATED = 0, 8
MAX_MEMBER = 64 * 1024 * 1024  # the largest registry record is a few MB; more is not a study (or a zip bomb)
_CHUNK = 1 << 16


class ArchiveError(ValueError):
    """The file is not a zip archive this module can read, or one member of it cannot be read."""


@dataclass(frozen=True)
class Member:
    """One file in the archive, from its central directory record."""

    name: str
    method: int
    flags: int
    crc: int
    compressed: int
    size: int
    offset: int  # of its local header


def members(path: Path) -> Iterator[tuple[str, bytes | ArchiveError]]:
    """Every file member's name and content (or why it cannot be read), directories left out."""
    with path.open("rb") as directory, path.open("rb") as data:
        start, count = _central_directory(directory)
        directory.seek(start)
        for _ in range(count):
            member = _next_record(directory)
            if member.name.endswith("/"):
                continue
            try:
                yield member.name, _content(data, member)
            except ArchiveError as error:
                yield member.name, error


def _central_directory(handle) -> tuple[int, int]:
    """Where the central directory starts and how many records it holds, from the end record(s).

    The end record sits in the last 64 kB + 22 bytes (its comment is at most 65,535 bytes); zip64
    archives (over 65,535 members or 4 GB, as the registry's is) point from it to a zip64 record.
    """
    handle.seek(0, 2)
    size = handle.tell()
    tail_start = max(0, size - (22 + 65535))
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(END)
    if at < 0 or len(tail) - at < 22:
        raise ArchiveError("not a zip archive (no end of central directory record)")
    _, _, _, _, count, _, start, _ = struct.unpack("<4s4H2LH", tail[at : at + 22])
    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == LOCATOR64:
        (end64,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        handle.seek(end64)
        record = handle.read(56)
        if record[:4] != END64:
            raise ArchiveError("damaged zip64 archive (no zip64 end record where the locator points)")
        count, _, start = struct.unpack("<3Q", record[32:56])
    return start, count


def _next_record(handle) -> Member:
    header = handle.read(46)
    if len(header) < 46 or header[:4] != CENTRAL:
        raise ArchiveError("damaged zip archive (a central directory record is missing)")
    (_, _, _, flags, method, _, _, crc, compressed, size, name_len, extra_len, comment_len, _, _, _, offset) = (
        struct.unpack("<4s6H3L5H2L", header)
    )
    raw_name = handle.read(name_len)
    extra = handle.read(extra_len)
    handle.seek(comment_len, 1)
    name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
    size, compressed, offset = _zip64(extra, size, compressed, offset)
    return Member(name, method, flags, crc, compressed, size, offset)


def _zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """Sizes and offset from the zip64 extra field, for each one the 32-bit field marks as too large."""
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack("<2H", extra[at : at + 4])
        if tag == 0x0001:
            values = iter(struct.unpack(f"<{length // 8}Q", extra[at + 4 : at + 4 + (length // 8) * 8]))
            size = next(values) if size == 0xFFFFFFFF else size
            compressed = next(values) if compressed == 0xFFFFFFFF else compressed
            offset = next(values) if offset == 0xFFFFFFFF else offset
            break
        at += 4 + length
    return size, compressed, offset


def _content(handle, member: Member) -> bytes:
    """The member's bytes, checked against its size and CRC-32."""
    if member.flags & 0x1:
        raise ArchiveError("encrypted member; not read")
    if member.method not in (STORED, DEFLATED):
        raise ArchiveError(f"compression method {member.method} not supported (stored or deflate only)")
    if member.size > MAX_MEMBER:
        raise ArchiveError(f"member of {member.size} bytes, larger than any study record; not read")
    handle.seek(member.offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != LOCAL:
        raise ArchiveError("damaged zip archive (no local header where the directory points)")
    name_len, extra_len = struct.unpack("<2H", local[26:30])
    handle.seek(name_len + extra_len, 1)
    inflate = zlib.decompressobj(-15) if member.method == DEFLATED else None
    parts: list[bytes] = []
    held, left = 0, member.compressed
    while left:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            raise ArchiveError("archive cut short inside a member")
        left -= len(chunk)
        # bounded by the size the directory states, so a lying header cannot inflate without limit
        try:
            part = inflate.decompress(chunk, member.size + 1 - held) if inflate else chunk
        except zlib.error as error:
            raise ArchiveError(f"member damaged ({error})") from None
        held += len(part)
        if held > member.size:
            raise ArchiveError("member larger than its stated size")
        parts.append(part)
    if inflate:
        try:
            parts.append(inflate.flush())
        except zlib.error as error:
            raise ArchiveError(f"member damaged ({error})") from None
    content = b"".join(parts)
    if len(content) != member.size or zlib.crc32(content) != member.crc:
        raise ArchiveError("member damaged (size or CRC-32 does not match)")
    return content
