"""IHE ATNA / DICOM AuditMessage XML (RFC 3881 element names): the casem system's log (docs/formats.md §casem).

A file holds one <AuditMessage> or a root element with many; it is streamed with iterparse, so a large
export never sits in memory. Each message is one record. The XML is untrusted (see safe_xml): a file
with a DOCTYPE/entity declaration is refused as one quarantined record; a message nested deeper than
max_xml_depth or larger than max_record_bytes is quarantined on its own; malformed XML quarantines the
rest of the file from the point of the error, with its line.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .fhir import decode_base64, is_placeholder
from .records import CANONICAL_COLUMNS, Rejected, SelfDescribingAdapter, StagedRecord
from .safe_xml import PARSER_OPTIONS, file_declares_entities, local_name

FORMAT_NAME = "atna"
MESSAGE = "AuditMessage"
HETU_OID = "1.2.246.21"

ACTIONS = {"C": "create", "R": "read", "U": "update", "D": "delete"}
# DICOM event ids that name the action themselves: dcm4chee logs a REST-triggered Export (110106) with
# EventActionCode "R", yet it is an export, and export rules must see it.
EVENT_ACTIONS = {"110112": "search", "110106": "export"}
# FHIR restful-interaction / lifecycle codes an EventTypeCode may carry (as in FHIR subtype).
TYPE_ACTIONS = {"search": "search", "search-type": "search", "search-system": "search", "read": "read",
                "vread": "read", "export": "export", "print": "print", "disclose": "disclose"}
PURPOSES = {"TREAT": "client_relationship", "ETREAT": "emergency", "BTG": "emergency",
            "HOPERAT": "other_task", "HLEGAL": "statutory_right", "HSUPERV": "supervision"}
CANONICAL_PURPOSES = {"client_relationship", "other_task", "statutory_right", "emergency", "supervision"}
EMERGENCY_OVERRIDE = "110127"
DESTINATION_ROLE = "110152"


def atna_event_id(element: etree._Element) -> str:
    """`atna-` + 24 hex of sha256 over the message's canonical XML: stable across re-exports.

    Exclusive C14N without comments, with whitespace-only text removed, so that pretty-printing,
    comments and the namespaces declared on a wrapping element do not change the id.
    """
    clone = copy.deepcopy(element)
    for node in clone.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    clone.tail = None
    # C14N of a sub-element can crash lxml; serialise and re-parse so the message is a document root.
    document = etree.fromstring(etree.tostring(clone), etree.XMLParser(**PARSER_OPTIONS))
    canonical = etree.tostring(document, method="c14n", exclusive=True, with_comments=False)
    return "atna-" + hashlib.sha256(canonical).hexdigest()[:24]


def detect(path: Path, head: bytes, config: dict):
    """An ATNA file: XML whose head names an AuditMessage element."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") and b"<AuditMessage" in head:
        return AtnaAdapter(config)
    return None


def _child(element, name):
    for child in element:
        if local_name(child) == name:
            return child
    return None


def _children(element, name):
    return [c for c in element if local_name(c) == name]


def _code(element) -> str | None:
    if element is None:
        return None
    return element.get("csd-code") or element.get("code")


def message_fields(message: etree._Element) -> dict[str, str | None]:
    """Canonical fields of one AuditMessage (values as text; the normaliser validates them)."""
    fields: dict[str, str | None] = {c: None for c in CANONICAL_COLUMNS}
    fields["source_event_id"] = atna_event_id(message)
    fields["channel"] = "native"
    ident = _child(message, "EventIdentification")
    event_id = _code(_child(ident, "EventID")) if ident is not None else None
    type_codes = [_code(t) for t in _children(ident, "EventTypeCode")] if ident is not None else []
    if ident is not None:
        fields["event_time"] = ident.get("EventDateTime")
        code = (ident.get("EventActionCode") or "").strip().upper()
        if event_id in EVENT_ACTIONS:  # the event id says what happened, whatever the action code
            action = EVENT_ACTIONS[event_id]
        elif code == "E":
            action = "other"
        else:
            action = ACTIONS.get(code)
        for t in type_codes:
            if t in TYPE_ACTIONS:
                action = TYPE_ACTIONS[t]
                break
        fields["action"] = action if (code or event_id in EVENT_ACTIONS) else None
        if code and code not in ACTIONS and code != "E" and event_id not in EVENT_ACTIONS:
            fields["action"] = code  # unknown code: the normaliser quarantines it as "unknown action code"
        outcome = ident.get("EventOutcomeIndicator")
        if outcome is not None and outcome.strip() != "":
            fields["outcome"] = "success" if outcome.strip() == "0" else "failure"
        bases = [" ".join(t for t in (_code(p), p.get("originalText") and f"({p.get('originalText')})") if t)
                 for p in _children(ident, "PurposeOfUse")]
        fields["legal_basis"] = "; ".join(dict.fromkeys(b for b in bases if b)) or None
        for purpose in _children(ident, "PurposeOfUse"):
            mapped = PURPOSES.get(_code(purpose) or "") or (
                _code(purpose) if _code(purpose) in CANONICAL_PURPOSES else None)
            if mapped:
                fields["purpose"] = mapped
                break
    if fields["purpose"] == "emergency" or EMERGENCY_OVERRIDE in type_codes:
        fields["emergency"] = "true"
    participants = _children(message, "ActiveParticipant")
    requestor = next((p for p in participants if (p.get("UserIsRequestor") or "").lower() == "true"), None)
    if requestor is not None:
        fields["account"] = next((v.strip() for v in (requestor.get("UserID"), requestor.get("AlternativeUserID"),
                                                      requestor.get("UserName")) if not is_placeholder(v)), None)
    source = _child(message, "AuditSourceIdentification")
    if source is not None and source.get("AuditSourceID"):
        fields["source_system"] = source.get("AuditSourceID").strip()  # case: one rule, in the normaliser
    described: list[str | None] = []
    for obj in _children(message, "ParticipantObjectIdentification"):
        is_patient = obj.get("ParticipantObjectTypeCodeRole") == "1"
        if is_patient and fields["client_id"] is None:
            pid = (obj.get("ParticipantObjectID") or "").split("^", 1)[0]
            fields["client_id"] = None if is_placeholder(pid) else pid.strip()
        for detail in _children(obj, "ParticipantObjectDetail"):
            kind = detail.get("type")
            if kind in ("service_task", "document", "session_id") and fields[kind] is None:
                fields[kind] = decode_base64(detail.get("value"))
            elif kind in ("data_description", "Description", "description"):
                described.append(decode_base64(detail.get("value")))
        if not is_patient:
            description = _child(obj, "ParticipantObjectDescription")
            if description is not None and (description.text or "").strip():
                described.append(description.text.strip())
            id_type = _child(obj, "ParticipantObjectIDTypeCode")
            type_text = id_type.get("originalText") if id_type is not None else None
            if type_text:
                described.append(type_text)
        query = _child(obj, "ParticipantObjectQuery")
        if query is not None and query.text and fields["search_criteria"] is None and fields["action"] == "search":
            fields["search_criteria"] = decode_base64(query.text.strip())
    fields["data_description"] = "; ".join(dict.fromkeys(d for d in described if d))[:2000] or None
    destination = next((p for p in participants if p is not requestor and any(
        _code(r) == DESTINATION_ROLE for r in _children(p, "RoleIDCode"))), None)
    if destination is not None and event_id == "110106" and fields["action"] == "export":
        user = destination.get("UserID") or ""
        if user and ":" not in user and "/" not in user and "@" not in user:  # an organisation id, not a URI
            fields["action"] = "disclose"
            fields["recipient_organisation_id"] = user
    if destination is not None and fields["action"] == "disclose" and fields["recipient_organisation_id"] is None:
        fields["recipient_organisation_id"] = destination.get("UserID")
    return fields


class AtnaAdapter(SelfDescribingAdapter):
    """Streams AuditMessages out of a file (each names its AuditSourceID); see the module docstring."""

    format_name = FORMAT_NAME

    def records(self, path: Path) -> Iterator[StagedRecord | Rejected]:
        path = Path(path)
        if file_declares_entities(path):
            yield Rejected(1, "XML with a DOCTYPE or entity declaration is refused (external entities and "
                              "entity expansion are not allowed); file not read", None, 1)
            return
        record_no = 0
        level = 0
        message_level = None
        too_deep = False
        error = None
        # A pull parser fed by hand rather than iterparse: the events parsed before a syntax error are read before
        # the error is reported, so the complete messages ahead of a broken one are kept. iterparse's order of the
        # two changed between lxml releases (6.1.3 yielded those events first, 6.2.0 raises first).
        parser = etree.XMLPullParser(events=("start", "end"), **_iterparse_options())
        with open(path, "rb") as fh:
            while True:
                block = fh.read(READ_BYTES)
                try:
                    if block:
                        parser.feed(block)
                    else:
                        parser.close()
                except etree.XMLSyntaxError as exc:
                    error = exc
                for event, element in parser.read_events():
                    if event == "start":
                        level += 1
                        if message_level is None and local_name(element) == MESSAGE:
                            message_level, too_deep = level, False
                        elif message_level is not None and level - message_level + 1 > self.max_depth:
                            too_deep = True
                        continue
                    level -= 1
                    if message_level is None or local_name(element) != MESSAGE or level + 1 != message_level:
                        continue
                    message_level = None
                    record_no += 1
                    line = element.sourceline
                    yield self._record(record_no, line, element, too_deep)
                    element.clear(keep_tail=True)
                    parent = element.getparent()
                    if parent is not None:  # free what was read (bounded memory for many-message files)
                        while element.getprevious() is not None:
                            del parent[0]
                if error is not None:
                    record_no += 1
                    msg = str(error).splitlines()[0][:200] if str(error) else "syntax error"
                    yield Rejected(record_no, f"malformed XML, the rest of the file was not read ({msg})", None,
                                   error.lineno if getattr(error, "lineno", None) else None)
                    return
                if not block:
                    break
        if record_no == 0:
            yield Rejected(1, "no AuditMessage element in this XML file", None, 1)

    def _record(self, record_no: int, line: int | None, element, too_deep: bool):
        if too_deep:
            return Rejected(record_no, f"AuditMessage nested deeper than max_xml_depth ({self.max_depth})",
                            None, line)
        raw = etree.tostring(element, encoding="unicode")
        return (self.oversized(record_no, line, MESSAGE, raw)
                or self.staged(record_no, line, MESSAGE, message_fields, element, raw))


READ_BYTES = 1 << 16  # bytes fed to the parser at a time


def _iterparse_options() -> dict:
    return {k: v for k, v in PARSER_OPTIONS.items() if k != "remove_pis"}
