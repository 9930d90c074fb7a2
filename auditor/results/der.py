"""Just enough DER to read a CMS SignedData (RFC 5652): tag-length-value nodes and object identifiers.

Reading only, of structures this tool signed or that a user hands to ``auditor verify``; anything
malformed raises ``ValueError`` (the caller turns it into one input error).
"""

from __future__ import annotations

from dataclasses import dataclass

SEQUENCE = 0x30
SET = 0x31
OID = 0x06
OCTET_STRING = 0x04
INTEGER = 0x02
_MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Node:
    tag: int
    data: bytes  # the whole TLV
    start: int  # where the value starts inside ``data``

    @property
    def value(self) -> bytes:
        return self.data[self.start:]

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    def children(self) -> list[Node]:
        if not self.constructed:
            raise ValueError(f"DER: tag {self.tag:#x} is not constructed")
        return nodes(self.value)

    def child(self, index: int) -> Node:
        kids = self.children()
        if index >= len(kids):
            raise ValueError("DER: structure is shorter than expected")
        return kids[index]


def read(data: bytes, offset: int = 0) -> tuple[Node, int]:
    """The node at ``offset`` and the offset just after it."""
    if offset + 2 > len(data):
        raise ValueError("DER: truncated")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise ValueError("DER: high tag numbers are not used by CMS")
    length = data[offset + 1]
    head = 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or offset + 2 + count > len(data):
            raise ValueError("DER: bad length")
        length = int.from_bytes(data[offset + 2: offset + 2 + count], "big")
        head += count
    end = offset + head + length
    if end > len(data):
        raise ValueError("DER: truncated")
    return Node(tag, data[offset:end], head), end


def nodes(data: bytes) -> list[Node]:
    out: list[Node] = []
    offset = 0
    while offset < len(data):
        node, offset = read(data, offset)
        out.append(node)
    return out


def parse(data: bytes) -> Node:
    node, end = read(data)
    if end != len(data):
        raise ValueError("DER: trailing bytes")
    return node


def oid(node: Node) -> str:
    if node.tag != OID or not node.value:
        raise ValueError("DER: expected an object identifier")
    raw = node.value
    parts = [raw[0] // 40, raw[0] % 40] if raw[0] < 80 else [2, raw[0] - 80]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)
