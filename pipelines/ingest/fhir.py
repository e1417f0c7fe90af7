"""HL7 FHIR AuditEvent, R4 and R5: the lifecare system's log (docs/formats.md §lifecare).

Accepted: one resource (JSON or FHIR XML), a Bundle of them (`entry[].resource`, any bundle type,
also in XML) and NDJSON (one resource per line, streamed). FHIR XML is turned into the JSON shape
first (repeated elements become lists, `value` attributes become primitives), so one extractor serves
both. Quarantined with a reason: a resource of another type, an AuditEvent of a pre-R4 shape
(`event`/`participant`/`object` instead of `type`/`agent`/`entity`), malformed JSON or XML (per line
for NDJSON, else the whole file as one record), and a resource over max_record_bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
from lxml import etree

from . import json_stream
from .records import CANONICAL_COLUMNS, Rejected, SelfDescribingAdapter, StagedRecord
from .safe_xml import UnsafeXml, local_name, namespace, parse_bytes

FORMAT_NAME = "fhir"
FHIR_NS = "http://hl7.org/fhir"
HETU_SYSTEM = "urn:oid:1.2.246.21"
PURPOSE_SYSTEM = "https://lokivahti.fi/purpose"

ACTIONS = {"C": "create", "R": "read", "U": "update", "D": "delete"}
SUBTYPE_ACTIONS = {"search": "search", "search-type": "search", "search-system": "search", "export": "export",
                   "print": "print", "disclose": "disclose", "read": "read", "vread": "read",
                   "110112": "search", "110106": "export"}  # DICOM Query / Export event ids
PURPOSES = {"TREAT": "client_relationship", "ETREAT": "emergency", "BTG": "emergency",
            "HOPERAT": "other_task", "HLEGAL": "statutory_right", "HSUPERV": "supervision"}
CANONICAL_PURPOSES = {"client_relationship", "other_task", "statutory_right", "emergency", "supervision"}
EMERGENCY_CODES = {"ETREAT", "BTG", "110127"}  # 110127: DICOM Emergency Override Started
LEGACY_KEYS = ("event", "participant", "object")
BOM = b"\xef\xbb\xbf"


def _starts_with_bom(fh, start: int) -> bool:
    fh.seek(start)
    return fh.read(3) == BOM


def _safe_parser_message(exc: Exception) -> str:
    """The parser's complaint without the text it quotes (that text may hold an identity code)."""
    first = exc.args[0] if exc.args else ""
    if isinstance(first, bytes):
        first = first.decode("utf-8", "replace")
    line = str(first).splitlines()[0] if str(first) else type(exc).__name__
    return re.sub(r"(['\"]).*?\1", "…", line)[:120]


class _LineReader:
    """A file object that ends at the next newline (JSON text never holds a raw newline): one NDJSON
    line of any length, read in chunks."""

    def __init__(self, fh):
        self.fh, self.done = fh, False

    def read(self, n: int = 65536) -> bytes:
        if self.done or n == 0:  # read(0) is how a parser asks whether the stream gives bytes
            return b""
        chunk = self.fh.read(n if n > 0 else 65536)
        cut = chunk.find(b"\n")
        if cut >= 0:
            self.fh.seek(cut + 1 - len(chunk), 1)
            self.done = True
            return chunk[:cut + 1]
        if not chunk:
            self.done = True
        return chunk


def detect(path: Path, head: bytes, config: dict):
    """FHIR: JSON naming a resourceType, or XML whose root is in the FHIR namespace."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"{", b"[")) and b'"resourceType"' in head:
        return FhirAdapter(config)
    if text.startswith(b"<") and b'xmlns="http://hl7.org/fhir"' in head and b"<AuditMessage" not in head:
        return FhirAdapter(config)
    return None


# --- small helpers over the JSON shape (tolerant of one-vs-many, as XML gives no arrays) -------------

def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _codes(concepts) -> list[tuple[str | None, str | None]]:
    """(system, code) of every coding in a CodeableConcept / Coding / list of them."""
    out = []
    for concept in _list(concepts):
        if not isinstance(concept, dict):
            continue
        if "code" in concept and not isinstance(concept.get("code"), dict):
            out.append((concept.get("system"), concept.get("code")))
        for coding in _list(concept.get("coding")):
            if isinstance(coding, dict):
                out.append((coding.get("system"), coding.get("code")))
    return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def decode_base64(value: str | None) -> str | None:
    """A base64 detail or query as UTF-8 text; a value that is not base64 is kept as it was written."""
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return value


def fhir_event_id(resource: dict) -> str:
    canonical = json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "fhir-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def version_problem(resource: Any) -> str | None:
    """Why a resource is not an R4/R5 AuditEvent, or None."""
    if not isinstance(resource, dict):
        return "not a FHIR resource (expected a JSON object)"
    kind = resource.get("resourceType")
    if kind != "AuditEvent":
        return f"resource of type {kind!s} is not an AuditEvent" if kind else "no resourceType"
    legacy = [k for k in LEGACY_KEYS if k in resource]
    if legacy:
        return (f"AuditEvent of a pre-R4 shape ('{legacy[0]}' instead of type/agent/entity); "
                "export FHIR R4 or R5")
    return None


def resource_fields(resource: dict) -> dict[str, str | None]:
    """Canonical fields of one R4/R5 AuditEvent (text; the normaliser validates them)."""
    f: dict[str, str | None] = {c: None for c in CANONICAL_COLUMNS}
    f["source_event_id"] = _text(resource.get("id")) or fhir_event_id(resource)
    f["channel"] = "native"
    period = resource.get("period") or {}
    occurred = resource.get("occurredPeriod") or {}
    f["event_time"] = (_text(resource.get("recorded")) or _text(period.get("start"))
                       or _text(resource.get("occurredDateTime")) or _text(occurred.get("start")))

    # action: the verb, refined by the subtype (R4) / code (R5)
    verb = _text(resource.get("action"))
    action = ACTIONS.get(verb.upper()) if verb else None
    if verb and verb.upper() == "E":
        action = "other"
    detail_codes = [c for _, c in _codes(resource.get("subtype")) + _codes(resource.get("code")) + _codes(resource.get("type"))]
    for code in detail_codes:
        if code in SUBTYPE_ACTIONS:
            action = SUBTYPE_ACTIONS[code]
            break
    if verb and verb.upper() not in ACTIONS and verb.upper() != "E":
        action = verb  # unknown verb: the normaliser quarantines it as "unknown action code"
    f["action"] = action

    # outcome: R4 a code string, R5 a CodeableConcept under outcome.code
    outcome = resource.get("outcome")
    if isinstance(outcome, dict):
        codes = [c for _, c in _codes(outcome.get("code"))]
        if codes:
            f["outcome"] = "success" if codes[0] in ("0", "success") else "failure"
    elif _text(outcome) not in (None, ""):
        f["outcome"] = "success" if _text(outcome) == "0" else "failure"

    agents = [a for a in _list(resource.get("agent")) if isinstance(a, dict)]
    requestor = next((a for a in agents if _true(a.get("requestor"))), None)

    # purpose: purposeOfEvent (R4), authorization (R5), else the requestor's own purposeOfUse/authorization
    purpose_sources = [resource.get("purposeOfEvent"), resource.get("authorization")]
    if requestor is not None:
        purpose_sources += [requestor.get("purposeOfUse"), requestor.get("authorization")]
    all_purpose_codes = [sc for src in purpose_sources for sc in _codes(src)]
    for system, code in all_purpose_codes:
        mapped = code if system == PURPOSE_SYSTEM and code in CANONICAL_PURPOSES else PURPOSES.get(code or "")
        if mapped:
            f["purpose"] = mapped
            break
    if any(code in EMERGENCY_CODES for _, code in all_purpose_codes) or "110127" in detail_codes:
        f["emergency"] = "true"

    if requestor is None:  # R5 makes `requestor` optional: a human agent is then the user
        requestor = next((a for a in agents if _is_person(a)), None)
    if requestor is not None:
        f["account"] = agent_identity(requestor)
    recipients = [a for a in agents if a is not requestor and any(
        code in ("IRCP", "110152") for _, code in _codes(a.get("type")) + _codes(a.get("role")))]
    recipient = next((a for a in recipients if any(c == "IRCP" for _, c in _codes(a.get("type")))),
                     recipients[0] if recipients else None)
    if recipient is not None and (action in ("disclose", "export") or any(
            c == "IRCP" for _, c in _codes(recipient.get("type")))):
        f["recipient_organisation_id"] = agent_identity(recipient)
    f["legal_basis"] = _legal_basis(purpose_sources, agents)

    source = resource.get("source") or {}
    observer = source.get("observer") or {}
    f["source_system"] = (_text(observer.get("display")) or _text((observer.get("identifier") or {}).get("value"))
                          or _text(observer.get("reference")) or _text(source.get("site")))

    # client: the Finnish personal identity code, else a Patient reference
    entities = [e for e in _list(resource.get("entity")) if isinstance(e, dict)]
    for entity in entities:
        ident = (entity.get("what") or {}).get("identifier") or {}
        if ident.get("system") == HETU_SYSTEM and _text(ident.get("value")):
            f["client_id"] = _text(ident.get("value"))
            break
    if f["client_id"] is None:
        references = [_text((resource.get("patient") or {}).get("reference"))]
        references += [_text((e.get("what") or {}).get("reference")) for e in entities]
        f["client_id"] = next((r for r in references if r and r.startswith("Patient/")), None)
    if f["client_id"] is None:  # as in ATNA: the identifier of the entity in the Patient role (object-role 1)
        for entity in entities:
            if any(code == "1" for _, code in _codes(entity.get("role"))):
                value = _text(((entity.get("what") or {}).get("identifier") or {}).get("value"))
                if value:
                    f["client_id"] = value
                    break

    for entity in entities:
        for detail in _list(entity.get("detail")):
            if not isinstance(detail, dict):
                continue
            kind = detail.get("type")
            if isinstance(kind, dict):  # R5: a CodeableConcept
                kind = next((c for _, c in _codes(kind)), None) or kind.get("text")
            kind = _text(kind)
            if kind in ("service_task", "document", "session_id") and f[kind] is None:
                f[kind] = _text(detail.get("valueString"))
        if f["search_criteria"] is None and _text(entity.get("query")) and f["action"] == "search":
            f["search_criteria"] = decode_base64(_text(entity.get("query")))
    f["data_description"] = _data_description(entities)
    return f


PERSON_REFERENCES = ("Practitioner/", "PractitionerRole/", "RelatedPerson/", "Patient/")


def _is_person(agent: dict) -> bool:
    who = agent.get("who") or {}
    ref = _text(who.get("reference")) or ""
    return ref.startswith(PERSON_REFERENCES) or any(c == "humanuser" for _, c in _codes(agent.get("type")))


def agent_identity(agent: dict) -> str | None:
    """The user as the source names them, in every form FHIR R4/R5 allows, most specific first:
    `who.identifier.value` (the account), `who.reference` (e.g. Practitioner/123), `altId`,
    `who.display`, then the R4 `name`. Placeholders such as "(null)" count as absent."""
    who = agent.get("who") or {}
    ident = who.get("identifier") or {}
    for value in (ident.get("value") if isinstance(ident, dict) else None, who.get("reference"),
                  agent.get("altId"), who.get("display"), agent.get("name")):
        text = _text(value)
        if text and not is_placeholder(text):
            return text.strip()
    return None


PLACEHOLDERS = {"", "<none>", "none", "unknown", "(null)", "null", "n/a", "-", "?"}


def is_placeholder(value: str | None) -> bool:
    """Values systems write where they have nothing (dcm4chee's `<none>`); the normaliser has the same list."""
    return value is None or value.strip().casefold() in PLACEHOLDERS


def _coding_text(concepts) -> list[str]:
    out = []
    for concept in _list(concepts):
        if not isinstance(concept, dict):
            continue
        codings = [c for c in _list(concept.get("coding")) if isinstance(c, dict)] or [concept]
        for coding in codings:
            code, display = _text(coding.get("code")), _text(coding.get("display"))
            text = " ".join(t for t in (code, display and f"({display})") if t)
            if text:
                out.append(text)
        if not codings and _text(concept.get("text")):
            out.append(_text(concept.get("text")))
    return out


def _legal_basis(purpose_sources, agents) -> str | None:
    """The basis as the source states it (703/2023 10 §): purposeOfEvent / authorization codes with their
    display, and any policy the agents acted under."""
    parts = [t for src in purpose_sources for t in _coding_text(src)]
    for agent in agents:
        parts += [p for p in (_text(x) for x in _list(agent.get("policy"))) if p]
    parts = list(dict.fromkeys(parts))
    return "; ".join(parts) if parts else None


def _data_description(entities) -> str | None:
    """Which data was used or disclosed: entity descriptions and names, and what a non-patient entity is."""
    parts = []
    for entity in entities:
        if any(code == "1" for _, code in _codes(entity.get("role"))):
            continue  # the client's own entry names the person, not the data
        for key in ("description", "name"):
            if _text(entity.get(key)):
                parts.append(_text(entity.get(key)))
        what = entity.get("what") or {}
        ref = _text(what.get("reference"))
        if ref and not ref.startswith("Patient/"):
            parts.append(ref)
        ident_type = (what.get("identifier") or {}).get("type") if isinstance(what.get("identifier"), dict) else None
        if isinstance(ident_type, dict) and _text(ident_type.get("text")):
            parts.append(_text(ident_type.get("text")))  # as ATNA's ParticipantObjectIDTypeCode says it
    parts = list(dict.fromkeys(parts))
    return "; ".join(parts)[:2000] if parts else None


# --- FHIR XML -> JSON shape ------------------------------------------------------------------------

def xml_to_json(element) -> Any:
    """A FHIR XML element in the JSON shape: `value` attributes are primitives, repeats become lists."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        if element.get("value") is not None:
            return element.get("value")
        return {k: v for k, v in element.attrib.items() if "}" not in k} or None
    out: dict[str, Any] = {}
    for child in children:
        name = local_name(child)
        if name == "div" or namespace(child) not in ("", FHIR_NS):
            continue
        if name in ("resource",):  # Bundle.entry.resource wraps the resource element
            inner = next((c for c in child if isinstance(c.tag, str)), None)
            value = resource_from_xml(inner) if inner is not None else None
        else:
            value = xml_to_json(child)
        if name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    if element.get("url") is not None:
        out["url"] = element.get("url")
    return out


def resource_from_xml(root) -> dict:
    resource = xml_to_json(root)
    if not isinstance(resource, dict):
        resource = {}
    resource["resourceType"] = local_name(root)
    if namespace(root) != FHIR_NS:
        resource["_namespace"] = namespace(root) or "none"
    return resource


class FhirAdapter(SelfDescribingAdapter):
    """Reads AuditEvents (each names its observer) from JSON, NDJSON or XML; see the module docstring."""

    format_name = FORMAT_NAME

    def records(self, path: Path) -> Iterator[StagedRecord | Rejected]:
        path = Path(path)
        with open(path, "rb") as fh:
            start = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
        if start.startswith(b"<"):
            yield from self._xml(path)
        else:
            yield from self._json(path)

    def _resources(self, document, record_no: int, line_no: int | None):
        """One record per resource: a Bundle yields its entries, anything else itself."""
        if isinstance(document, dict) and document.get("resourceType") == "Bundle":
            entries = _list(document.get("entry"))
            if not entries:
                yield Rejected(record_no, "Bundle without entries", None, line_no)
                return
            for i, entry in enumerate(entries):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                yield self._record(record_no + i, line_no, resource)
        elif isinstance(document, list):
            for i, resource in enumerate(document):
                yield self._record(record_no + i, line_no, resource)
        else:
            yield self._record(record_no, line_no, document)

    def _record(self, record_no: int, line_no: int | None, resource) -> StagedRecord | Rejected:
        raw = json.dumps(resource, separators=(",", ":"), ensure_ascii=False) if resource is not None else None
        if resource is None:
            return Rejected(record_no, "Bundle entry without a resource", None, line_no)
        return (self.oversized(record_no, line_no, "resource", raw)
                or self._checked(record_no, line_no, resource, raw))

    @staticmethod
    def _checked(record_no: int, line_no: int | None, resource, raw: str | None) -> StagedRecord | Rejected:
        """The record, or its rejection: wrong type or version, or a shape no R4/R5 resource has."""
        problem = version_problem(resource)
        if problem:
            return Rejected(record_no, problem, raw, line_no)
        return SelfDescribingAdapter.staged(record_no, line_no, "AuditEvent", resource_fields, resource, raw)

    def _json(self, path: Path):
        """NDJSON when the first non-empty line is a small complete JSON object; else one stream of values
        (a pretty-printed document, or a minified Bundle on one line of any size)."""
        with open(path, "rb") as fh:
            first = b""
            while not first.strip():
                first = fh.readline(self.max_bytes + 1)
                if not first:
                    break
        # NDJSON when the first line holds an object on its own, or is longer than any one record may be
        # (a minified Bundle, streamed line by line). A pretty-printed document's first line ends in `{`,
        # `[` or `,`. Decided by shape, not by parsing, so a first line that is itself broken is one
        # quarantined line, not a reason to read the whole file as one record.
        line = first.lstrip(BOM).strip()
        ndjson = len(first) > self.max_bytes or (line.startswith(b"{") and not line.endswith((b"{", b"[", b",")))
        yield from (self._ndjson(path) if ndjson else self._stream(path))

    def _stream(self, path: Path):
        with open(path, "rb") as fh:
            if fh.read(3) != BOM:
                fh.seek(0)
            yield from self._values(fh, 1, None, whole_file=True)

    def _values(self, fh, record_no: int, line_no: int | None, *, whole_file: bool):
        """Records of a stream of JSON values (json_stream), numbered from record_no."""
        rest = "the rest of the file was not read" if whole_file else "the rest of the line was not read"
        produced = 0
        try:
            for v in json_stream.values(fh, max_bytes=self.max_bytes, max_depth=self.max_json_depth):
                if v.problem:
                    what = "Bundle entry" if v.bundle_entry else "resource"
                    yield Rejected(record_no + produced, f"{what} {v.problem}", None, line_no)
                    produced += 1
                    continue
                if v.bundle_entry:
                    resource = v.value.get("resource") if isinstance(v.value, dict) else None
                    yield self._record(record_no + produced, line_no, resource)
                    produced += 1
                    continue
                if isinstance(v.value, dict) and v.value.get("resourceType") == "Bundle":
                    if v.entries == 0:
                        yield Rejected(record_no + produced, "Bundle without entries", None, line_no)
                        produced += 1
                    continue
                yield self._record(record_no + produced, line_no, v.value)
                produced += 1
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
            detail = _safe_parser_message(exc)
            yield Rejected(record_no + produced, f"malformed JSON ({detail}); {rest}", None, line_no)
            produced += 1
        if produced == 0:
            yield Rejected(record_no, "no JSON value in this file" if whole_file else "empty JSON line",
                           None, line_no)

    def _ndjson(self, path: Path):
        record_no = 0
        with open(path, "rb") as fh:
            line_no = 0
            while True:
                start = fh.tell()
                line = fh.readline(self.max_bytes + 1)
                if not line:
                    break
                line_no += 1
                if line_no == 1:
                    line = line.lstrip(BOM)
                if len(line) > self.max_bytes and not line.endswith(b"\n"):
                    # a line longer than any one resource may be: a one-line Bundle, streamed entry by entry
                    fh.seek(start + (3 if line_no == 1 and start == 0 and _starts_with_bom(fh, start) else 0))
                    reader = _LineReader(fh)
                    for result in self._values(reader, record_no + 1, line_no, whole_file=False):
                        record_no += 1  # one at a time: the line's records are never all in memory
                        yield result
                    while reader.read(1 << 20):  # after malformed JSON: the rest of the line is skipped
                        pass
                    continue
                if not line.strip():
                    continue
                record_no += 1
                try:
                    document = json.loads(line)
                except RecursionError:
                    yield Rejected(record_no, f"resource nested deeper than max_json_depth ({self.max_json_depth})",
                                   None, line_no)
                    continue
                except ValueError as exc:
                    what = "malformed JSON" if line.endswith(b"\n") else "truncated last line (malformed JSON)"
                    yield Rejected(record_no, f"{what}: {getattr(exc, 'msg', exc)} at column "
                                   f"{getattr(exc, 'colno', '?')}", line.decode("utf-8", "replace"), line_no)
                    continue
                results = list(self._resources(document, record_no, line_no))
                record_no += len(results) - 1
                yield from results

    def _xml(self, path: Path):
        data = path.read_bytes()
        try:
            root = parse_bytes(data, max_depth=self.max_depth, max_bytes=max(self.max_bytes, 1) * 16)
        except UnsafeXml as exc:
            yield Rejected(1, f"{exc}; the whole file was not read", None, 1)
            return
        if namespace(root) != FHIR_NS:
            yield Rejected(1, "XML root is not in the FHIR namespace (http://hl7.org/fhir)", None, 1)
            return
        if local_name(root) == "Bundle":
            resources = []
            for entry in (c for c in root if local_name(c) == "entry"):
                inner = next((r for r in entry if local_name(r) == "resource"), None)
                element = next((c for c in inner if isinstance(c.tag, str)), None) if inner is not None else None
                resources.append((element, entry.sourceline))
            if not resources:
                yield Rejected(1, "Bundle without entries", None, 1)
            for i, (element, line) in enumerate(resources, start=1):
                if element is None:
                    yield Rejected(i, "Bundle entry without a resource", None, line)
                    continue
                yield self._xml_record(i, line, element)
        else:
            yield self._xml_record(1, root.sourceline, root)

    def _xml_record(self, record_no: int, line: int | None, element):
        raw = etree.tostring(element, encoding="unicode")
        return (self.oversized(record_no, line, "resource", raw)
                or self._checked(record_no, line, resource_from_xml(element), raw))
