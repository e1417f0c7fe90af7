"""Parsing untrusted XML: no DTDs, no entity expansion, no network, bounded depth and size.

Every log file is untrusted. A document that declares a DOCTYPE or entities (XXE, "billion laughs")
is refused before parsing; lxml's own limits stay on (huge_tree=False); depth is checked per record.
Callers turn an UnsafeXml into a quarantined record, never into a crash.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
                  "remove_comments": True, "remove_pis": True}


class UnsafeXml(ValueError):
    """XML that is refused or cannot be parsed; the message is safe to store (no values echoed)."""


def parser() -> etree.XMLParser:
    return etree.XMLParser(**PARSER_OPTIONS)


def refuse_declarations(data: bytes) -> None:
    """A DOCTYPE or ENTITY declaration anywhere in the bytes is refused (XXE and entity expansion)."""
    if _DECLARATION.search(data):
        raise UnsafeXml("XML with a DOCTYPE or entity declaration is refused (external entities and "
                        "entity expansion are not allowed)")


def file_declares_entities(path: Path, chunk: int = 1 << 20) -> bool:
    """True when the file has a DOCTYPE/ENTITY declaration (streamed; such a file is refused whole)."""
    tail = b""
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                return False
            if _DECLARATION.search(tail + block):
                return True
            tail = block[-16:]


def depth(element: etree._Element) -> int:
    """Nesting depth of an element's subtree (1 = no children), iteratively (no recursion limit)."""
    deepest, stack = 0, [(element, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node)
    return deepest


def parse_bytes(data: bytes, *, max_depth: int, max_bytes: int) -> etree._Element:
    """The root element of a small document, or UnsafeXml with the reason."""
    if len(data) > max_bytes:
        raise UnsafeXml(f"record larger than max_record_bytes ({max_bytes})")
    refuse_declarations(data)
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"malformed XML ({_first_line(exc)})") from None
    if root is None:
        raise UnsafeXml("malformed XML (no root element)")
    if depth(root) > max_depth:
        raise UnsafeXml(f"XML nested deeper than max_xml_depth ({max_depth})")
    return root


def local_name(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(element) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _first_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
