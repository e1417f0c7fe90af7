"""Write events in each client system's own format (docs/formats.md), month by month, streaming.

Event ids are given here, in file order, per source: sequential ids for most systems, and for the
ATNA case-management system the id the adapter itself derives from the message's canonical XML.
"""

from __future__ import annotations

import base64
import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from ..ingest.atna import atna_event_id
from .model import Event

HKI = ZoneInfo("Europe/Helsinki")
CANONICAL = ("source_system", "source_event_id", "event_time", "account", "client_id", "action", "service_task",
             "document", "purpose", "emergency", "channel", "organisation_id", "controller_id",
             "recipient_organisation_id", "outcome", "session_id", "search_criteria", "record_count")
PREFIX = {"pro_consona": "PC", "effica": "E", "portal": "prt-", "lifecare": "lc-", "pegasos": "PEG-",
          "kotimobiili": "KM-"}



def offset_time(local: datetime) -> str:
    return local.replace(tzinfo=HKI).isoformat()


def utc_time(local: datetime) -> str:
    return local.replace(tzinfo=HKI).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- pro_consona ------------------------------------------------------------------------------------
PC_ACTION = {"read": "katselu", "search": "haku", "create": "lisäys", "update": "muutos", "delete": "poisto",
             "print": "tulostus", "export": "vienti", "disclose": "luovutus", "other": "kirjautuminen"}
PC_PURPOSE = {"client_relationship": "asiakassuhde", "other_task": "muu tehtävä",
              "statutory_right": "lakisääteinen tiedonsaantioikeus", "emergency": "hätätilanne",
              "supervision": "valvonta"}
PC_TASK = {"child_welfare": "lastensuojelu", "family_social_work": "perhesosiaalityö",
           "adult_social_work": "aikuissosiaalityö", "home_care": "kotihoito", "placement": "sijaishuolto"}
PC_HEADER = ("tapahtuma_id", "aikaleima", "käyttäjätunnus", "asiakkaan_hetu", "toimenpide", "palvelutehtävä",
             "asiakirja", "käyttötarkoitus", "hätätilanne", "organisaatio", "rekisterinpitäjä", "luovutuksen_saaja",
             "lopputulos", "istunto", "hakuehdot", "tietueiden_määrä")


def pro_consona_row(e: Event) -> list:
    return [e.event_id, e.local.isoformat(" ", timespec="seconds"), e.account or "", e.client_id or "",
            PC_ACTION[e.action], PC_TASK.get(e.service_task or "", ""), e.document or "",
            PC_PURPOSE.get(e.purpose or "", ""), "kyllä" if e.emergency else "ei", e.organisation_id or "",
            e.controller_id or "", e.recipient_organisation_id or "",
            {"success": "onnistui", "failure": "epäonnistui"}.get(e.outcome or "", ""), e.session_id or "",
            e.search_criteria or "", "" if e.record_count is None else str(e.record_count)]


# -- effica -----------------------------------------------------------------------------------------
EF_ACTION = {"read": "LUKU", "search": "HAKU", "create": "UUSI", "update": "MUUT", "delete": "POIS",
             "print": "TULOSTE", "export": "VIENTI", "disclose": "LUOVUTUS", "other": "KIRJAUTUMINEN"}
EF_PURPOSE = {"client_relationship": "AS", "other_task": "MT", "statutory_right": "LT", "emergency": "HÄ",
              "supervision": "VA"}
EF_TASK = {"child_welfare": "LS", "family_social_work": "PS", "adult_social_work": "AL", "home_care": "KH",
           "placement": "SH"}
EF_HEADER = ("TapahtumaID", "Aika", "Kayttaja", "Hetu", "Toiminto", "Palvelu", "Asiakirja", "Peruste",
             "Vastaanottaja", "Istunto")


def effica_row(e: Event) -> list:
    return [e.event_id, e.local.strftime("%d.%m.%Y %H:%M:%S"), e.account or "", e.client_id or "",
            EF_ACTION[e.action], EF_TASK.get(e.service_task or "", ""), e.document or "",
            EF_PURPOSE.get(e.purpose or "", ""), e.recipient_organisation_id or "", e.session_id or ""]


# -- portal -----------------------------------------------------------------------------------------
PORTAL_OP = {"read": "VIEW_CLIENT", "search": "SEARCH_CLIENT", "export": "DOWNLOAD_DOCUMENT",
             "print": "PRINT_DOCUMENT", "create": "UPLOAD_DOCUMENT", "other": "LOGIN"}


def portal_line(e: Event) -> str:
    obj = {"eventId": e.event_id, "timestamp": utc_time(e.local), "user": e.account, "providerOrg": e.organisation_id,
           "clientHetu": e.client_id, "operation": PORTAL_OP[e.action], "documentType": e.document,
           "legalBasis": {"client_relationship": "SERVICE", "supervision": "SUPERVISION"}.get(e.purpose or ""),
           "serviceTask": e.service_task, "sessionId": e.session_id}
    return json.dumps({k: v for k, v in obj.items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


# -- lifecare (FHIR AuditEvent) -----------------------------------------------------------------------
FHIR_ACTION = {"read": ("R", "read"), "search": ("E", "search"), "create": ("C", "create"),
               "update": ("U", "update"), "delete": ("D", "delete"), "print": ("E", "print"),
               "export": ("E", "export"), "disclose": ("E", "disclose"), "other": ("E", "login")}
FHIR_PURPOSE = {"client_relationship": "TREAT", "emergency": "ETREAT", "other_task": "HOPERAT",
                "statutory_right": "HLEGAL", "supervision": "HSUPERV"}
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
HETU_OID = "urn:oid:1.2.246.21"


def _entity(e: Event) -> list:
    if not e.client_id:
        return []
    details = []
    if e.service_task:
        details.append({"type": "service_task", "valueString": e.service_task})
    if e.document:
        details.append({"type": "document", "valueString": e.document})
    ent = {"what": {"identifier": {"system": HETU_OID, "value": e.client_id}}}
    if details:
        ent["detail"] = details
    return [ent]


def fhir_r4(e: Event) -> dict:
    code, sub = FHIR_ACTION[e.action]
    res = {"resourceType": "AuditEvent", "id": e.event_id,
           "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                    "code": "rest" if e.action != "other" else "110114"},
           "subtype": [{"system": "http://hl7.org/fhir/restful-interaction", "code": sub}],
           "action": code, "recorded": offset_time(e.local), "outcome": "0" if e.outcome != "failure" else "4"}
    if e.purpose:
        res["purposeOfEvent"] = [{"coding": [{"system": ACT_REASON, "code": FHIR_PURPOSE[e.purpose]}]}]
    agents = [{"who": {"identifier": {"value": e.account}}, "requestor": True}]
    if e.recipient_organisation_id:
        agents.append({"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                            "code": "IRCP"}]},
                       "who": {"identifier": {"value": e.recipient_organisation_id}}, "requestor": False})
    res["agent"] = agents
    res["source"] = {"observer": {"display": e.source_system}}
    ent = _entity(e)
    if ent:
        res["entity"] = ent
    return res


def fhir_r5(e: Event) -> dict:
    code, sub = FHIR_ACTION[e.action]
    res = {"resourceType": "AuditEvent", "id": e.event_id,
           "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                                     "code": "rest"}]}],
           "code": {"coding": [{"system": "http://hl7.org/fhir/restful-interaction", "code": sub}]},
           "action": code, "recorded": offset_time(e.local),
           "outcome": {"code": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-outcome",
                                "code": "0" if e.outcome != "failure" else "4"}}}
    if e.purpose:
        res["authorization"] = [{"coding": [{"system": ACT_REASON, "code": FHIR_PURPOSE[e.purpose]}]}]
    if e.client_id:
        res["patient"] = {"identifier": {"system": HETU_OID, "value": e.client_id}}
    res["agent"] = [{"who": {"identifier": {"value": e.account}}, "requestor": True}]
    res["source"] = {"observer": {"display": e.source_system}}
    ent = _entity(e)
    if ent:
        res["entity"] = ent
    return res


# -- casem (IHE ATNA / DICOM) -----------------------------------------------------------------------
def atna_element(e: Event) -> etree._Element:
    m = etree.Element("AuditMessage")
    if e.action in ("read", "create", "update", "delete"):
        code, event_id, text = {"read": "R", "create": "C", "update": "U", "delete": "D"}[e.action], "110110", \
            "Patient Record"
    elif e.action == "search":
        code, event_id, text = "E", "110112", "Query"
    elif e.action in ("export", "disclose", "print"):
        code, event_id, text = "E", "110106", "Export"
    else:
        code, event_id, text = "E", "110114", "User Authentication"
    ident = etree.SubElement(m, "EventIdentification", EventActionCode=code, EventDateTime=offset_time(e.local),
                             EventOutcomeIndicator="0" if e.outcome != "failure" else "4")
    etree.SubElement(ident, "EventID", {"csd-code": event_id, "codeSystemName": "DCM", "originalText": text})
    if e.emergency:
        etree.SubElement(ident, "EventTypeCode", {"csd-code": "110127", "codeSystemName": "DCM",
                                                  "originalText": "Emergency Override Started"})
    if e.purpose:
        etree.SubElement(ident, "PurposeOfUse", {"csd-code": FHIR_PURPOSE[e.purpose],
                                                 "codeSystemName": "v3-ActReason"})
    etree.SubElement(m, "ActiveParticipant", UserID=e.account or "", UserIsRequestor="true")
    etree.SubElement(m, "ActiveParticipant", UserID="casem-app", UserIsRequestor="false")
    if e.recipient_organisation_id:
        dest = etree.SubElement(m, "ActiveParticipant", UserID=e.recipient_organisation_id, UserIsRequestor="false")
        etree.SubElement(dest, "RoleIDCode", {"csd-code": "110152", "codeSystemName": "DCM",
                                              "originalText": "Destination"})
    etree.SubElement(m, "AuditSourceIdentification", AuditSourceID="CASEM")
    if e.client_id:
        p = etree.SubElement(m, "ParticipantObjectIdentification",
                             ParticipantObjectID=f"{e.client_id}^^^&1.2.246.21&ISO", ParticipantObjectTypeCode="1",
                             ParticipantObjectTypeCodeRole="1")
        etree.SubElement(p, "ParticipantObjectIDTypeCode", {"csd-code": "2", "originalText": "Patient Number"})
        for kind, value in (("service_task", e.service_task), ("document", e.document)):
            if value:
                etree.SubElement(p, "ParticipantObjectDetail", type=kind,
                                 value=base64.b64encode(value.encode("utf-8")).decode("ascii"))
    return m


def canonical_row(e: Event) -> list:
    return [e.source_system, e.event_id, e.local.isoformat(timespec="seconds"), e.account or "", e.client_id or "",
            e.action, e.service_task or "", e.document or "", e.purpose or "", "true" if e.emergency else "false",
            "portal" if e.source_system == "portal" else "native", e.organisation_id or "", e.controller_id or "",
            e.recipient_organisation_id or "", e.outcome or "", e.session_id or "", e.search_criteria or "",
            "" if e.record_count is None else str(e.record_count)]


class EventWriter:
    """Streams events to DIR/events/<source>/<source>_<YYYY-MM>.<ext>, one open file per source and month."""

    def __init__(self, folder: Path, canonical_only: bool = False, bundle_day=None, r5_day=None):
        self.folder = folder
        self.canonical_only = canonical_only
        self.bundle_day, self.r5_day = bundle_day, r5_day
        self.counters: dict[tuple[str, str], int] = {}
        self.files: dict[tuple[str, str], tuple] = {}
        self.bundle: list[dict] = []
        self.r5: list[str] = []
        self.atna_elements: dict[int, etree._Element] = {}
        self.written: dict[str, int] = {}

    def assign_id(self, e: Event):
        src = e.source_system
        if src == "casem" and not self.canonical_only:
            el = atna_element(e)
            e.event_id = atna_event_id(el)
            self.atna_elements[id(e)] = el
            return
        # numbered per source and month, so that a worker writing some months numbers them as one writing all
        month = f"{e.local.year:04d}{e.local.month:02d}"
        n = self.counters.get((src, month), 0) + 1
        self.counters[(src, month)] = n
        e.event_id = f"{PREFIX.get(src, src + '-')}{month}{n:06d}"

    def _open(self, src: str, month: str):
        key = (src, month)
        if key in self.files:
            return self.files[key]
        if self.canonical_only:
            path = self.folder / "canonical" / f"{src}_{month}.csv"
        else:
            ext = {"portal": "jsonl", "lifecare": "ndjson", "casem": "xml"}.get(src, "csv")
            path = self.folder / src / f"{src}_{month}.{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if src == "effica" and not self.canonical_only:
            fh = open(path, "w", encoding="cp1252", newline="")  # noqa: SIM115 - open across days, closed in close()
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(EF_HEADER)
        elif src in ("portal", "lifecare", "casem") and not self.canonical_only:
            fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - open across days
            w = None
            if src == "casem":
                fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<AuditMessages>\n')
        else:
            fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - open across days or closed by `with fh`
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(PC_HEADER if src == "pro_consona" and not self.canonical_only else CANONICAL)
        self.files[key] = (fh, w, src)
        return self.files[key]

    def write(self, e: Event):
        src = e.source_system
        self.written[src] = self.written.get(src, 0) + 1
        if not self.canonical_only and src == "lifecare" and e.day == self.bundle_day:
            self.bundle.append(fhir_r4(e))
            return
        if not self.canonical_only and src == "lifecare" and e.day == self.r5_day:
            self.r5.append(json.dumps(fhir_r5(e), ensure_ascii=False, separators=(",", ":")))
            return
        fh, w, _ = self._open(src, f"{e.local.year:04d}-{e.local.month:02d}")  # strftime costs 5x more
        if self.canonical_only or src in ("pegasos", "kotimobiili"):
            w.writerow(canonical_row(e))
        elif src == "pro_consona":
            w.writerow(pro_consona_row(e))
        elif src == "effica":
            w.writerow(effica_row(e))
        elif src == "portal":
            fh.write(portal_line(e) + "\n")
        elif src == "lifecare":
            fh.write(json.dumps(fhir_r4(e), ensure_ascii=False, separators=(",", ":")) + "\n")
        elif src == "casem":
            el = self.atna_elements.pop(id(e))
            fh.write("  " + etree.tostring(el, encoding="unicode") + "\n")

    def write_reexport(self, events: list[Event], changed: Event, new_document: str):
        """An overlapping second export of the same period in which one record differs."""
        month = events[0].local.strftime("%Y-%m")
        src = events[0].source_system
        if self.canonical_only:
            path = self.folder / "canonical" / f"{src}_{month}_reexport.csv"
            fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - open across days or closed by `with fh`
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(CANONICAL)
            row_of = canonical_row
        else:
            path = self.folder / src / f"{src}_{month}_reexport.csv"
            fh = open(path, "w", encoding="cp1252", newline="")  # noqa: SIM115 - open across days, closed in close()
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(EF_HEADER)
            row_of = effica_row
        with fh:
            for e in events:
                if e is changed:
                    original = e.document
                    e.document = new_document
                    w.writerow(row_of(e))
                    e.document = original
                else:
                    w.writerow(row_of(e))

    def close(self):
        for fh, _w, src in self.files.values():
            if src == "casem" and not self.canonical_only:
                fh.write("</AuditMessages>\n")
            fh.close()
        if self.bundle:
            path = self.folder / "lifecare" / f"lifecare_bundle_{self.bundle_day:%Y-%m-%d}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            bundle = {"resourceType": "Bundle", "id": f"lifecare-{self.bundle_day:%Y%m%d}", "type": "collection",
                      "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in self.bundle]}
            path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if self.r5:
            path = self.folder / "lifecare" / f"lifecare_r5_{self.r5_day:%Y-%m-%d}.ndjson"
            path.write_text("\n".join(self.r5) + "\n", encoding="utf-8")
