"""Where the pages of a Parquet file lie, for tests that damage them on purpose: the column chunks come from
pyarrow's footer metadata, the pages inside a chunk from its page headers (Thrift compact protocol,
PageHeader of parquet.thrift), parsed here so that a test knows exactly which bytes are header and which
are page data."""

import dataclasses
import zlib

import pyarrow.parquet as pq

PAGE_TYPES = {0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2"}


@dataclasses.dataclass
class Page:
    row_group: int
    column: str
    index: int            # within its column chunk, the dictionary page first
    header_offset: int    # where the page header starts in the file
    data_offset: int      # where the page bytes after the header start
    size: int             # compressed_page_size: the page bytes after the header
    type: str
    num_values: int
    crc: int | None       # PageHeader.crc as an unsigned 32-bit value, None when absent

    def crc_matches(self, data):
        return self.crc == zlib.crc32(data[self.data_offset:self.data_offset + self.size])


class _Compact:
    def __init__(self, data, pos):
        self.data, self.pos = data, pos

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self):
        shift = value = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    def zigzag(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def skip(self, kind):
        if kind in (1, 2):                  # bool, in the field header
            return
        if kind == 3:
            self.pos += 1
        elif kind in (4, 5, 6):
            self.varint()
        elif kind == 7:
            self.pos += 8
        elif kind == 8:
            length = self.varint()  # read first: `self.pos += self.varint()` would add to the old position
            self.pos += length
        elif kind in (9, 10):
            head = self.byte()
            count = head >> 4 if head >> 4 != 15 else self.varint()
            for _ in range(count):
                self.skip(head & 0x0F)
        elif kind == 11:
            count = self.varint()
            if count:
                types = self.byte()
                for _ in range(count):
                    self.skip(types >> 4)
                    self.skip(types & 0x0F)
        elif kind == 12:
            self.struct(lambda field, kind: False)
        else:
            raise ValueError(f"thrift compact type {kind} at byte {self.pos}")

    def struct(self, on_field):
        """Calls on_field(id, type) for each field; it reads the value and returns True, or returns False."""
        last = 0
        while True:
            head = self.byte()
            if head == 0:
                return
            delta, kind = head >> 4, head & 0x0F
            field = last + delta if delta else self.zigzag()
            last = field
            if not on_field(field, kind):
                self.skip(kind)


def _page_header(data, pos):
    r = _Compact(data, pos)
    header = {"crc": None, "num_values": None}

    def inner(field, kind):
        if field == 1 and kind == 5:
            header["num_values"] = r.zigzag()
            return True
        return False

    def outer(field, kind):
        if kind == 5 and field in (1, 2, 3, 4):
            value = r.zigzag()
            header[{1: "type", 2: "uncompressed", 3: "compressed", 4: "crc"}[field]] = value
            return True
        if kind == 12 and field in (5, 7, 8):
            r.struct(inner)
            return True
        return False

    r.struct(outer)
    if header["crc"] is not None:
        header["crc"] &= 0xFFFFFFFF
    return header, r.pos


def pages(path):
    """Every page of the Parquet file at `path`, chunk by chunk."""
    data = open(path, "rb").read()
    metadata = pq.ParquetFile(path).metadata
    out = []
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            start = chunk.data_page_offset
            if chunk.has_dictionary_page and 0 < chunk.dictionary_page_offset < start:
                start = chunk.dictionary_page_offset
            end, pos, index = start + chunk.total_compressed_size, start, 0
            while pos < end:
                header, data_offset = _page_header(data, pos)
                out.append(Page(g, chunk.path_in_schema, index, pos, data_offset, header["compressed"],
                                PAGE_TYPES.get(header["type"], str(header["type"])), header["num_values"],
                                header["crc"]))
                pos = data_offset + header["compressed"]
                index += 1
    return out
