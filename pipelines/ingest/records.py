"""The contract between source adapters and the normaliser.

An adapter turns one file into records whose fields are the canonical event columns as text
(see docs/event-schema.md), or into rejections with a reason. It never decides validity of the
values themselves: the one normaliser (sql/ingest/normalise.sql) does that for every source alike,
so a bad timestamp gets the same reason whether it came from CSV, JSON, FHIR or ATNA.

Time: an adapter writes `event_time` as ISO 8601. With an offset (`Z`, `+02:00`) the instant is known;
without one it is wall-clock time in Europe/Helsinki and the normaliser applies the DST rule.
"""

from __future__ import annotations

from dataclasses import dataclass

CANONICAL_COLUMNS = (
    "source_system", "source_event_id", "event_time", "account", "client_id", "action",
    "service_task", "document", "purpose", "emergency", "channel", "organisation_id",
    "controller_id", "recipient_organisation_id", "outcome", "session_id", "search_criteria",
    "record_count", "legal_basis", "data_description",
)
REQUIRED_COLUMNS = CANONICAL_COLUMNS[:6]
# The tool's own use log is stored under this source name; no ingested file may claim it.
RESERVED_SOURCE = "lokivahti"

ACTIONS = ("read", "search", "create", "update", "delete", "print", "export", "disclose", "other")
PURPOSES = ("client_relationship", "other_task", "statutory_right", "emergency", "supervision")
CHANNELS = ("native", "portal", "kanta", "email")
OUTCOMES = ("success", "failure")


@dataclass
class StagedRecord:
    """A record the adapter could read: canonical fields as text (None = absent)."""

    record_no: int
    fields: dict[str, str | None]
    raw: str | None = None
    line_no: int | None = None


@dataclass
class Rejected:
    """A record the adapter could not read at all (malformed JSON, XML over a limit, wrong resource)."""

    record_no: int
    reason: str
    raw: str | None = None
    line_no: int | None = None
    field: str | None = None



class SelfDescribingAdapter:
    """Base of the adapters of standard audit formats (FHIR AuditEvent, IHE ATNA AuditMessage).

    Each record names its own source system, so the adapter has none; what bounds an untrusted record
    (its size in bytes, the nesting of its XML or JSON) comes from the [ingest] section of the
    configuration the command was given, never from a global default.
    """

    source_system = None

    def __init__(self, config: dict):
        ingest = config["ingest"]
        self.max_bytes = int(ingest["max_record_bytes"])
        self.max_depth = int(ingest["max_xml_depth"])
        self.max_json_depth = int(ingest.get("max_json_depth", self.max_depth))

    def oversized(self, record_no: int, line_no: int | None, what: str, raw: str) -> Rejected | None:
        """The rejection of a record whose text is over max_record_bytes, else None."""
        if len(raw.encode("utf-8")) > self.max_bytes:
            return Rejected(record_no, f"{what} larger than max_record_bytes ({self.max_bytes})", None, line_no)
        return None

    @staticmethod
    def staged(record_no: int, line_no: int | None, what: str, read_fields, source, raw: str | None):
        """The record with the canonical fields read_fields(source) gives, or its rejection: untrusted input can
        have any shape, and a shape the reader does not expect quarantines this record, not the file."""
        try:
            fields = read_fields(source)
        except (AttributeError, TypeError, ValueError) as exc:
            return Rejected(record_no, f"{what} with an element of an unexpected shape ({type(exc).__name__})",
                            raw, line_no)
        return StagedRecord(record_no, fields, raw, line_no)
