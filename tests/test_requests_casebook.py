"""The request case book: hand-written requests, each resting on a statute or seed sentence it cites.

tests/requests_casebook/county.yaml is a small county written by hand; every file in
tests/requests_casebook/cases/ is one request as a handler would meet it: who asks about whom, for which
period, what the handler does next, and what the law requires to come out — the exit code of `lokivahti
disclose`, exactly which rows are released (recognised in the CSV by their time), the files written, and
words that must appear in no file at all (the letter as text, the CSV, every cell of the XLSX) nor on screen.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from disclosure_county import imported_store
from pypdf import PdfReader
from rulecases import read_yaml
from typer.testing import CliRunner

from pipelines import PROJECT_ROOT
from pipelines.cli import app
from pipelines.disclosure.index import ensure_client_index
from pipelines.errors import LokivahtiError
from pipelines.ingest.records import CANONICAL_COLUMNS

BOOK = Path(__file__).parent / "requests_casebook"
COUNTY = read_yaml(BOOK / "county.yaml")
CASES = sorted((BOOK / "cases").glob("*.yaml"))
HANDLER = "Helena Käsittelijä"
runner = CliRunner()
OWN_SOURCE = "lokivahti"
HOLD_STORE = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"


def code_of(client: str) -> str:
    ddmmyy, century, individual = COUNTY["clients"][client]["code"]
    assert 900 <= individual <= 999
    return f"{ddmmyy}{century}{individual}" + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(f"{ddmmyy}{individual}") % 31]


def _write_csv(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def build_county(folder: Path) -> Path:
    ref = folder / "reference"
    ref.mkdir(parents=True)
    _write_csv(ref / "organisations.csv", [["organisation_id", "name", "kind"], *COUNTY["organisations"]])
    _write_csv(ref / "units.csv", [["unit_id", "organisation_id", "name", "service_task"], *COUNTY["units"]])
    _write_csv(ref / "staff.csv", [["staff_id", "full_name", "personal_id", "address", "organisation_id", "unit_id",
                                    "role", "title", "valid_from", "valid_to"],
                                   *[[s[0], s[1], "", "", *s[2:]] for s in COUNTY["staff"]]])
    _write_csv(ref / "accounts.csv", [["source_system", "account", "staff_id"], *COUNTY["accounts"]])
    _write_csv(ref / "role_permissions.csv", [["role", "service_task", "action", "requires_involvement"],
                                              *[[r, "*", "*", "true"] for r in
                                                ("social_worker", "provider_worker", "placement_coordinator")]])
    _write_csv(ref / "involvement.csv", [["client_id", "staff_id", "unit_id", "kind", "valid_from", "valid_to"],
                                         *[[code_of(c), *rest] for c, *rest in COUNTY["involvement"]]])
    clients = [["client_id", "full_name", "birth_date", "address", "deceased_on", "security_prohibition",
                "placement_secret", "placement_secret_until", "minor_capacity"]]
    for key, c in COUNTY["clients"].items():
        clients.append([code_of(key), c["name"], str(c["birth"]), "", str(c.get("deceased", "")), "false",
                        "true" if c.get("secret") else "false", str(c.get("secret_until", "")),
                        c.get("capacity", "")])
    _write_csv(ref / "clients.csv", clients)
    events = folder / "events.csv"
    with open(events, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CANONICAL_COLUMNS)
        w.writeheader()
        for own_no, (eid, (system, time, account, client, action, *extra)) in enumerate(COUNTY["events"].items(), 1):
            if system == OWN_SOURCE:
                continue  # Lokivahti's own log is not ingested from files: stored below as its import would
            x = extra[0] if extra else {}
            code = code_of(client)
            row = dict.fromkeys(CANONICAL_COLUMNS, "")
            row.update(source_system=system, source_event_id=eid, event_time=time.replace(" ", "T"), account=account,
                       client_id=code.lower() if x.get("lower_case_code") else code, action=action,
                       service_task=x.get("task", "child_welfare"), document=x.get("document", "asiakaskertomus"),
                       purpose=x.get("purpose", "client_relationship"), emergency="false",
                       channel="portal" if system == "portal" else "native",
                       recipient_organisation_id=x.get("recipient", ""), outcome="success",
                       legal_basis=x.get("legal_basis", ""), data_description=x.get("data_description", ""))
            w.writerow(row)
    store = folder / "store.duckdb"
    con = imported_store(store, ref, events)
    try:
        for own_no, (eid, (system, time, account, client, action, *extra)) in enumerate(COUNTY["events"].items(), 1):
            if system == OWN_SOURCE:
                purpose = (extra[0] if extra else {}).get("purpose")
                con.execute(
                    "INSERT INTO events BY NAME SELECT ? AS source_system, ? AS source_event_id, "
                    "timezone('Europe/Helsinki', ?::TIMESTAMP) AS event_time, ?::TIMESTAMP AS event_local, "
                    "?::DATE AS event_date, ? AS account, ? AS client_id, ? AS action, ? AS purpose, "
                    "false AS emergency, 'native' AS channel, 'success' AS outcome, 0 AS run_id, ? AS record_no",
                    [system, eid, time, time, time[:10], account, code_of(client), action, purpose, own_no])
        for eid, basis in COUNTY["explanations"].items():
            system, time, _, client = COUNTY["events"][eid][:4]
            con.execute("INSERT INTO explanations SELECT run_id, record_no, ?, ?, ? FROM events "
                        "WHERE source_system = ? AND source_event_id = ?", [code_of(client), time[:10], basis, system, eid])
        for fid, (rule, category, eid) in COUNTY["findings"].items():
            system, _, _, client = COUNTY["events"][eid][:4]
            con.execute("INSERT INTO findings (finding_id, rule_id, category, severity, finding_key, client_id, "
                        "event_count, first_seen_at, last_checked_at) VALUES (?, ?, ?, 'high', ?, ?, 1, now(), now())",
                        [fid, rule, category, eid, code_of(client)])
            con.execute("INSERT INTO finding_events VALUES (?, ?, ?)", [fid, system, eid])
        ensure_client_index(con)  # as a check step leaves a store: every case's answer reads the client copy
    finally:
        con.close()
    return store


@pytest.fixture(scope="module")
def county_template(tmp_path_factory):
    return build_county(tmp_path_factory.mktemp("casebook"))


def local_time_fi(eid: str) -> str:
    t = datetime.fromisoformat(COUNTY["events"][eid][1])
    return f"{t.day}.{t.month}.{t.year} klo {t:%H.%M}"


def exit_code(result) -> int:
    """The process's exit code: `lokivahti`'s main() turns a LokivahtiError into its own code (CliRunner does not)."""
    if isinstance(result.exception, LokivahtiError):
        return result.exception.exit_code
    return result.exit_code


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages)


def _file_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_symlink():
            continue  # planted by a case, never written by the answer
        if path.suffix == ".pdf":
            texts[path.name] = _pdf_text(path)
        elif path.suffix == ".csv":
            texts[path.name] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            sheet = openpyxl.load_workbook(path).active
            texts[path.name] = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    return texts


def _kinds(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    kinds = []
    for path in folder.iterdir():
        for kind in ("letter", "decision", "interim"):
            if f"-{kind}-" in path.name:
                kinds.append(kind)
        if path.suffix in (".csv", ".xlsx"):
            kinds.append(path.suffix[1:])
    return sorted(kinds)


def _released_times(folder: Path) -> set[str] | None:
    found = list(folder.glob("*-events-*.csv")) if folder.is_dir() else []
    if not found:
        return None
    rows = list(csv.reader(io.StringIO(found[0].read_text(encoding="utf-8-sig"))))
    return {r[0] for r in rows[1:]}


def _released_rows(folder: Path) -> dict[str, dict]:
    """The CSV's rows by time (column order of pipelines.disclosure.answer.ANSWER_COLUMNS)."""
    found = list(folder.glob("*-events-*.csv")) if folder.is_dir() else []
    if not found:
        return {}
    from pipelines.disclosure.answer import ANSWER_COLUMNS

    rows = list(csv.reader(io.StringIO(found[0].read_text(encoding="utf-8-sig"))))[1:]
    return {r[0]: dict(zip(ANSWER_COLUMNS, r)) for r in rows}


def _words(names: list[str]) -> list[str]:
    out = []
    for name in names or []:
        out.extend(COUNTY["protected"][name[1:]] if name.startswith("@") else [name])
    return out


def _request_args(case: dict, out: Path) -> list[str]:
    req = case["request"]
    if "client_raw" in req:
        raw = req["client_raw"]
        client = raw["repeat"] * raw["times"] if isinstance(raw, dict) else raw
    else:
        client = code_of(req["client"])
        client = client.lower() if req.get("lower_case") else client
    args = ["disclose", "--client", client, "--requester", req["requester"], "--from", str(req["from"]),
            "--to", str(req["to"]), "--out", str(out), "--received", str(req.get("received", COUNTY["received"])),
            "--today", str(COUNTY["today"]), "--handler", HANDLER, "--verified", req.get("verified", "in_person"),
            "--lang", req.get("lang", "fi")]
    if req["requester"] != "self":
        args += ["--right-to-act", "huoltaja väestötietojärjestelmän mukaan", "--requester-name", "Hanna Huoltaja",
                 "--requester-address", "Kotikatu 1; 70100 Kuopio"]
    return args + [str(a) for a in req.get("args", [])]


def _register(work: Path) -> list[tuple]:
    if not work.exists():
        return []
    con = sqlite3.connect(work)
    try:
        return con.execute("SELECT request_id, status FROM requests ORDER BY request_id").fetchall()
    finally:
        con.close()


def _setup(kind: str | None, store: Path, out: Path, tmp: Path):
    """Conditions a failed export meets: a busy store, a file or a link where the folder or letter should be."""
    if kind == "out_is_a_file":
        out.write_text("not a folder")
    elif kind == "out_is_a_symlink":
        target = tmp / "elsewhere"
        target.mkdir()
        out.symlink_to(target)
    elif kind == "letter_name_is_a_planted_symlink":
        out.mkdir(mode=0o777)
        os.chmod(out, 0o777)
        (out / "LS-2026-0001-letter-fi.pdf").symlink_to(tmp / "stolen.pdf")
    elif kind == "shared_folder":
        out.mkdir()
        os.chmod(out, 0o1777)
    elif kind == "store_busy":
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_STORE, str(store)],
            stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
        assert holder.stdout.readline().strip() == "ready"
        return holder
    return None


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_request_case(case_path, county_template, tmp_path):
    case = read_yaml(case_path)
    assert case.get("cites"), "every case cites the statute or seed sentence it rests on"
    store = tmp_path / "store.duckdb"
    shutil.copyfile(county_template, store)
    work = tmp_path / "store.work.sqlite"
    out = tmp_path / "out"
    holder = _setup(case.get("setup"), store, out, tmp_path)
    try:
        outputs = []
        result = runner.invoke(app, ["--store", str(store), *_request_args(case, out)], terminal_width=240)
        outputs.append(result.output + str(result.exception or ""))
        for step in case.get("then", []):
            assert exit_code(result) == step.get("after_exit", exit_code(result)), result.output
            if step.get("repeat"):
                args = _request_args(case, out)
            else:
                args = ["disclose", "--request", "LS-2026-0001", "--out", str(out), "--today", str(COUNTY["today"]),
                        *[str(a) for a in step["args"]]]
            result = runner.invoke(app, ["--store", str(store), *args], terminal_width=240)
            outputs.append(result.output + str(result.exception or ""))
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
    expect = case["expect"]
    screen = "\n".join(outputs)
    assert exit_code(result) == expect["exit"], screen
    for text in expect.get("output", []):
        assert text in " ".join(screen.split()), text
    if "files" in expect:
        assert _kinds(out) == sorted(expect["files"]), _kinds(out)
    if "released" in expect:
        times = _released_times(out)
        assert (times or set()) == {local_time_fi(e) for e in expect["released"]}
    rows = _released_rows(out)
    for eid, text in (expect.get("basis") or {}).items():
        assert text in rows[local_time_fi(eid)]["basis"], (eid, rows[local_time_fi(eid)]["basis"])
    for eid, name in (expect.get("workers") or {}).items():
        assert rows[local_time_fi(eid)]["worker"] == name, (eid, rows[local_time_fi(eid)]["worker"])
    files = _file_texts(out)
    blob = "\n".join(files.values()) + "\n" + screen
    for word in _words(expect.get("absent")):
        assert word not in blob, f"{word!r} reached the requester"
    for client in COUNTY["clients"]:
        assert code_of(client) not in blob and code_of(client).lower() not in blob, "an identity code leaked"
    letter = "\n".join(t for n, t in files.items() if n.endswith(".pdf"))
    for word in _words(expect.get("letter_says")):
        assert word in " ".join(letter.split()), word
    lists = "\n".join(t for n, t in files.items() if not n.endswith(".pdf"))
    for word in expect.get("lists_say", []):
        assert word in lists, word
    if "register" in expect:
        assert [status for _, status in _register(work)] == expect["register"]
    for path in out.iterdir() if out.is_dir() and not out.is_symlink() else []:
        if path.is_file() and not path.is_symlink():
            assert (path.stat().st_mode & 0o777) == 0o600, path.name
    if case.get("setup") == "shared_folder":
        assert (out.stat().st_mode & 0o7777) == 0o1777   # a shared folder is never chmod-ed
    if case.get("setup") == "letter_name_is_a_planted_symlink":
        assert not (tmp_path / "stolen.pdf").exists()


def test_the_case_book_has_at_least_twenty_cases_and_covers_every_requester_and_whereabouts_state():
    cases = [read_yaml(p) for p in CASES]
    assert len(cases) >= 20
    combos = {(c["request"]["requester"], c["request"].get("client")) for c in cases}
    for requester in ("self", "guardian", "representative"):
        for client in ("CHILD_FORCE", "CHILD_ENDED", "CHILD_UNKNOWN"):
            assert (requester, client) in combos, (requester, client)
