"""A tiny hand-made county for the dashboard tests (its fixtures are in conftest.py: app_env, sample_env).

The bundled sample county (data_samples/small) is used when asked for and the pipeline runs on it; otherwise
this builder writes a few rows into each table with `pipelines.store.connect`, so most dashboard tests do
not depend on the generator, adapters or checks.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines import SAMPLES_DIR
from pipelines.access import write_users_file
from pipelines.config import load_config
from pipelines.store import connect, publish_snapshot, snapshot_path, work_store_path

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
PASSWORDS = {"dpo1": "dpo-pass-1", "valvoja": "valvonta-pass-2", "kasittelija": "pyynto-pass-3"}
ROLES = {"dpo1": "dpo", "valvoja": "supervision", "kasittelija": "request_handler"}


def synthetic_hetu(day: date, individual: int) -> str:
    """A personal identity code with an individual number 900-999 (never issued) and a valid check character."""
    assert 900 <= individual <= 999
    digits = f"{day:%d%m%y}{individual:03d}"
    century = "-" if day.year < 2000 else "A"
    return f"{day:%d%m%y}{century}{individual:03d}{HETU_CHECK[int(digits) % 31]}"


C1 = synthetic_hetu(date(2012, 3, 4), 901)
C2 = synthetic_hetu(date(1980, 7, 8), 902)
C3 = synthetic_hetu(date(1975, 1, 2), 903)


def _insert(con, table: str, rows: list[dict]) -> None:
    frame = pl.DataFrame(rows, infer_schema_length=None)
    con.register("_rows", frame.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


def build_tiny_store(path: Path) -> Path:
    """Write a small but complete store (reference, events, findings, explanations, scores) and publish it."""
    con = connect(path)
    try:
        _insert(con, "ref_organisations", [
            {"organisation_id": "HVA", "name": "Hyvinvointialue", "kind": "county", "line_no": 2},
            {"organisation_id": "PRV1", "name": "Hoivapalvelu Oy", "kind": "private_provider", "line_no": 3},
        ])
        staff = [
            ("S001", "HVA", "U1", "social_worker", "sosiaalityöntekijä", date(2024, 1, 1), None),
            ("S002", "HVA", "U2", "social_worker", "sosiaaliohjaaja", date(2024, 1, 1), None),
            ("S003", "PRV1", "P1", "provider_worker", "ohjaaja", date(2024, 1, 1), None),
        ]
        _insert(con, "ref_staff", [
            {"staff_id": s, "full_name": f"Testi {s}", "personal_id": None, "address": None, "organisation_id": o,
             "unit_id": u, "role": r, "title": t, "valid_from": vf, "valid_to": vt, "line_no": i + 2}
            for i, (s, o, u, r, t, vf, vt) in enumerate(staff)
        ])
        _insert(con, "ref_accounts", [
            {"source_system": "pro_consona", "account": "acc1", "staff_id": "S001", "line_no": 2},
            {"source_system": "pro_consona", "account": "acc2", "staff_id": "S002", "line_no": 3},
            {"source_system": "portal", "account": "p3", "staff_id": "S003", "line_no": 4},
        ])
        _insert(con, "ref_clients", [
            {"client_id": c, "full_name": None, "birth_date": None, "address": None, "deceased_on": None,
             "security_prohibition": False, "placement_secret": False, "placement_secret_until": None,
             "minor_capacity": None, "line_no": i + 2}
            for i, c in enumerate((C1, C2, C3))
        ])
        _insert(con, "ref_involvement", [
            {"client_id": C1, "staff_id": "S001", "unit_id": None, "kind": "responsible_worker",
             "valid_from": date(2025, 1, 1), "valid_to": None, "line_no": 2},
            {"client_id": C2, "staff_id": None, "unit_id": "U1", "kind": "unit",
             "valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31), "line_no": 3},
        ])
        _insert(con, "ref_provider_authorisations", [
            {"organisation_id": "PRV1", "client_id": C1, "agreement": "framework", "phase": "service",
             "valid_from": date(2025, 5, 1), "valid_to": date(2025, 5, 20), "cancelled_on": None, "line_no": 2},
        ])
        started = datetime(2025, 6, 11, 8, 0, tzinfo=UTC)
        _insert(con, "ingest_runs", [
            {"run_id": 1, "path": "events/pro_consona.csv", "file_name": "pro_consona.csv", "size_bytes": 1000,
             "format": "mapping:pro_consona", "source_system": "pro_consona", "started_at": started,
             "finished_at": started, "records_read": 42, "normalised_new": 40, "normalised_existing": 0,
             "quarantined": 2, "status": "done"},
            {"run_id": 2, "path": "events/portal.jsonl", "file_name": "portal.jsonl", "size_bytes": 500,
             "format": "mapping:portal", "source_system": "portal", "started_at": started,
             "finished_at": started, "records_read": 10, "normalised_new": 10, "normalised_existing": 0,
             "quarantined": 0, "status": "done"},
        ])
        events, explanations = [], []
        n = 0
        for day_no in range(20):  # 2025-05-12 .. 2025-05-31, weekends quiet
            d = date(2025, 5, 12) + timedelta(days=day_no)
            if d.weekday() >= 5:
                continue
            for hour, account, client, source in (
                (9, "acc1", C1, "pro_consona"), (10, "acc1", C2, "pro_consona"), (13, "p3", C1, "portal"),
            ):
                n += 1
                local = datetime(d.year, d.month, d.day, hour, 15)
                events.append(_event(source, f"E{n:04d}", local, account, client, run_id=1 if source != "portal" else 2))
                if not (source == "portal" and d > date(2025, 5, 20)):
                    explanations.append({"run_id": 1 if source != "portal" else 2, "record_no": n, "client_id": client,
                                         "event_date": d, "basis": "responsible_worker" if client == C1 and source != "portal"
                                         else ("unit" if source != "portal" else "provider_authorisation")})
        events.append(_event("pro_consona", "E9001", datetime(2025, 5, 27, 22, 40), "acc2", C1, run_id=1))
        _insert(con, "events", events)
        _insert(con, "explanations", explanations)
        now = datetime(2025, 6, 11, 9, 0, tzinfo=UTC)
        findings, finding_events = [], []
        findings.append(_finding("f-involvement", "involvement_missing", "involvement", "high", "S002", C1, "HVA",
                                 "U2", "pro_consona", "acc2", date(2025, 5, 27), now))
        finding_events.append({"finding_id": "f-involvement", "source_system": "pro_consona", "source_event_id": "E9001"})
        late = [e for e in events if e["source_system"] == "portal" and e["event_date"] > date(2025, 5, 20)]
        for e in late:
            fid = f"f-provider-{e['source_event_id']}"
            findings.append(_finding(fid, "provider_outside_authorisation", "provider_authorisation", "high", "S003",
                                     C1, "PRV1", "P1", "portal", "p3", e["event_date"], now))
            finding_events.append({"finding_id": fid, "source_system": "portal", "source_event_id": e["source_event_id"]})
        _insert(con, "findings", findings)
        _insert(con, "finding_events", finding_events)
        con.execute("INSERT INTO models VALUES ('m1', ?, DATE '2025-05-01', DATE '2025-05-31', '[]', '{}', 'x', '{}', ''::BLOB)",
                    [now])
        _insert(con, "scores", [
            {"model_id": "m1", "staff_id": "S002", "day": date(2025, 5, 27), "score": 0.71, "rank": 1, "flagged": True,
             "explanation_fi": "Käytti asiakastietoja yöllä klo 22.40, mikä on harvinaista hänen ryhmässään.",
             "explanation_en": "Accessed client data at night (22.40), rare among peers.", "drivers": None},
            {"model_id": "m1", "staff_id": "S001", "day": date(2025, 5, 13), "score": 0.41, "rank": 2, "flagged": False,
             "explanation_fi": "Tavanomainen päivä.", "explanation_en": "An ordinary day.", "drivers": None},
        ])
    finally:
        con.close()
    publish_snapshot(path, config=load_config())
    return path


def _event(source, event_id, local: datetime, account, client, run_id) -> dict:
    utc = local - timedelta(hours=3)  # EEST
    return {"source_system": source, "source_event_id": event_id, "event_time": utc.replace(tzinfo=UTC),
            "event_local": local, "event_date": local.date(), "account": account, "client_id": client,
            "action": "read", "service_task": "child_welfare", "document": "asiakaskertomus",
            "purpose": "client_relationship", "emergency": False, "channel": "portal" if source == "portal" else "native",
            "organisation_id": "PRV1" if source == "portal" else "HVA", "unit_id": None, "controller_id": "HVA",
            "recipient_organisation_id": None, "outcome": "success", "session_id": None, "search_criteria": None,
            "record_count": None, "time_flag": None, "run_id": run_id, "record_no": int(event_id[1:]), "raw": None}


def _finding(fid, rule, category, severity, staff, client, org, unit, source, account, d, now) -> dict:
    t = datetime(d.year, d.month, d.day, 10, 0, tzinfo=UTC)
    return {"finding_id": fid, "rule_id": rule, "category": category, "severity": severity, "finding_key": fid,
            "source_system": source, "account": account, "staff_id": staff, "client_id": client,
            "organisation_id": org, "unit_id": unit, "first_time": t, "last_time": t, "event_date": d,
            "event_count": 1, "evidence": '{"subtype": "after_end"}' if category == "provider_authorisation" else "{}",
            "status": "new", "first_seen_at": now, "last_checked_at": now}


def sample_store(path: Path) -> Path | None:
    """The bundled small county through the pipeline's steps (as the dashboard's sample loader runs them);
    None when the sample is missing or a step fails."""
    small = SAMPLES_DIR / "small"
    if not (small / "reference").is_dir() or os.environ.get("LOKIVAHTI_APP_TESTS_TINY"):
        return None
    from app_pages._sample import load_sample

    if not all(r.ok for r in load_sample(path, small)):
        return None
    con = connect(path, read_only=True)
    try:
        findings = con.execute("SELECT count(*) FROM findings").fetchone()[0]
    finally:
        con.close()
    if not findings:
        return None
    publish_snapshot(path, config=load_config())
    return path


def make_app_env(root: Path, *, prefer_sample: bool = False) -> dict[str, str]:
    """A store, its snapshot and a users file under root; returns the environment the app needs."""
    root.mkdir(parents=True, exist_ok=True)
    store = root / "county.duckdb"
    built = sample_store(store) if prefer_sample else None
    if built is None:
        for p in (store, snapshot_path(store), work_store_path(store)):
            p.unlink(missing_ok=True)
        build_tiny_store(store)
    users = root / "users.toml"
    write_users_file(users, ROLES, PASSWORDS)
    return {"LOKIVAHTI_STORE": str(store), "LOKIVAHTI_USERS": str(users)}
