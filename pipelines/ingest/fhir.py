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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from .records import CANONICAL_COLUMNS, Rejected, StagedRecord
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


def _decode_base64(value: str | None) -> str | None:
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

    if requestor is not None:
        who = requestor.get("who") or {}
        ident = who.get("identifier") or {}
        f["account"] = _text(ident.get("value")) or _text(requestor.get("altId")) or _text(requestor.get("name"))
    for agent in agents:
        if agent is not requestor and any(code == "IRCP" for _, code in _codes(agent.get("type"))):
            value = _text(((agent.get("who") or {}).get("identifier") or {}).get("value"))
            if value:
                f["recipient_organisation_id"] = value
                break

    source = resource.get("source") or {}
    observer = source.get("observer") or {}
    f["source_system"] = (_text(observer.get("display")) or _text((observer.get("identifier") or {}).get("value"))
                          or _text(source.get("site")))

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
            f["search_criteria"] = _decode_base64(_text(entity.get("query")))
    return f


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


class FhirAdapter:
    """Reads AuditEvents from JSON, NDJSON or XML; see the module docstring."""

    format_name = FORMAT_NAME
    source_system = None  # each resource names its observer

    def __init__(self, config: dict):
        ingest = config["ingest"]
        self.max_bytes = int(ingest["max_record_bytes"])
        self.max_depth = int(ingest["max_xml_depth"])

    def records(self, path: Path) -> Iterator[StagedRecord | Rejected]:
        path = Path(path)
        with open(path, "rb") as fh:
            start = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
        if start.startswith(b"<"):
            yield from self._xml(path)
        elif self._is_ndjson(path):
            yield from self._ndjson(path)
        else:
            yield from self._json_document(path)

    def _is_ndjson(self, path: Path) -> bool:
        """NDJSON when the first non-empty line is a complete JSON object on its own."""
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    try:
                        return isinstance(json.loads(line.lstrip(b"\xef\xbb\xbf")), dict)
                    except ValueError:
                        return False
        return False

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
        if raw is not None and len(raw.encode("utf-8")) > self.max_bytes:
            return Rejected(record_no, f"resource larger than max_record_bytes ({self.max_bytes})", None, line_no)
        return self._checked(record_no, line_no, resource, raw)

    @staticmethod
    def _checked(record_no: int, line_no: int | None, resource, raw: str | None) -> StagedRecord | Rejected:
        """The record, or its rejection: wrong type or version, or a shape no R4/R5 resource has."""
        problem = version_problem(resource)
        if problem:
            return Rejected(record_no, problem, raw, line_no)
        try:
            fields = resource_fields(resource)
        except (AttributeError, TypeError, ValueError) as exc:  # untrusted JSON of any shape
            return Rejected(record_no, f"AuditEvent with an element of an unexpected shape ({type(exc).__name__})",
                            raw, line_no)
        return StagedRecord(record_no, fields, raw, line_no)

    def _ndjson(self, path: Path):
        record_no = 0
        with open(path, "rb") as fh:
            for line_no, line in enumerate(fh, start=1):
                if line_no == 1:
                    line = line.lstrip(b"\xef\xbb\xbf")
                if not line.strip():
                    continue
                record_no += 1
                if len(line) > self.max_bytes:
                    yield Rejected(record_no, f"line larger than max_record_bytes ({self.max_bytes})", None, line_no)
                    continue
                try:
                    document = json.loads(line)
                except ValueError as exc:
                    what = "malformed JSON" if line.endswith(b"\n") else "truncated last line (malformed JSON)"
                    yield Rejected(record_no, f"{what}: {getattr(exc, 'msg', exc)} at column "
                                   f"{getattr(exc, 'colno', '?')}", line.decode("utf-8", "replace"), line_no)
                    continue
                results = list(self._resources(document, record_no, line_no))
                record_no += len(results) - 1
                yield from results

    def _json_document(self, path: Path):
        data = path.read_bytes()
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield Rejected(1, "not UTF-8 JSON; the whole file was not read", None, 1)
            return
        except ValueError as exc:
            yield Rejected(1, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; "
                              "the whole file was not read", None, exc.lineno)
            return
        yield from self._resources(document, 1, None)

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
        if len(raw.encode("utf-8")) > self.max_bytes:
            return Rejected(record_no, f"resource larger than max_record_bytes ({self.max_bytes})", None, line)
        return self._checked(record_no, line, resource_from_xml(element), raw)
