"""`lokivahti disclose` and `lokivahti requests` as the request handler uses them."""

from __future__ import annotations

import subprocess
import sys

from disclosure_county import ADULT, TEEN
from typer.testing import CliRunner

from pipelines import PROJECT_ROOT
from pipelines.cli import app
from pipelines.disclosure import get_request

runner = CliRunner()


def _cli(store, *args):
    return runner.invoke(app, ["--store", str(store), *args])


def _disclose(store, out, client, requester, start="2026-01-01", *extra):
    acting = () if requester == "self" else ("--right-to-act", "guardian in the population register")
    return _cli(store, "disclose", "--client", client, "--requester", requester, "--from", start, "--to", "2026-12-31",
                "--out", str(out), "--received", "2026-06-01", "--today", "2026-06-02", "--handler", "Helena Käsittelijä",
                "--verified", "in_person", *acting, *extra)


def test_a_delivered_answer_exits_0_writes_three_files_and_never_prints_the_identity_code(county, tmp_path):
    store, _ = county
    result = _disclose(store, tmp_path / "out", ADULT, "self", "2026-01-01", "--lang", "en", "--misuse-view")
    assert result.exit_code == 0, result.output
    assert ADULT not in result.output
    assert ADULT[:8] + "***" in result.output
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".csv", ".pdf", ".xlsx"]


def test_a_request_held_for_a_professionals_decision_exits_10_with_the_reason(county, tmp_path):
    store, _ = county
    result = _disclose(store, tmp_path / "out", TEEN, "guardian")
    assert result.exit_code == 10
    assert "HELD for the handler's decision" in result.output and "812/2000" in result.output
    assert TEEN not in result.output
    assert not (tmp_path / "out").exists()


def test_a_refused_request_exits_11_in_a_real_process_and_writes_the_written_decision(county, tmp_path):
    store, _ = county
    result = subprocess.run(
        [sys.executable, "-c", "from pipelines.cli import main; main()", "--store", str(store), "disclose",
         "--client", ADULT, "--requester", "self", "--from", "2020-01-01", "--to", "2023-12-31",
         "--out", str(tmp_path / "out"), "--received", "2026-06-01", "--handler", "Helena Käsittelijä",
         "--verified", "strong_eid"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False)
    assert result.returncode == 11, result.stderr
    assert "REFUSED" in result.stdout and ADULT not in result.stdout + result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["LS-2026-0001-decision-fi.pdf"]


def test_a_wrong_requester_is_refused_before_anything_is_registered(county, tmp_path):
    store, work = county
    result = _disclose(store, tmp_path / "out", ADULT, "neighbour")
    assert result.exit_code != 0
    assert "--requester" in str(result.exception)
    assert not work.exists() or "LS-" not in _cli(store, "requests").output


def test_the_help_documents_the_exit_codes():
    result = runner.invoke(app, ["disclose", "--help"], terminal_width=200)
    text = " ".join(result.output.split())
    assert "0 delivered" in text and "10 held" in text and "11 refused" in text and "12 an open request" in text


def test_the_requests_list_marks_overdue_requests_and_masks_clients(county, tmp_path):
    store, _ = county
    _disclose(store, tmp_path / "out", TEEN, "guardian")          # held: still open, due 1.8.2026
    result = _cli(store, "requests", "--today", "2026-08-05")
    assert result.exit_code == 0, result.output
    assert "OVERDUE" in result.output and TEEN not in result.output
    assert "1 overdue" in result.output


def test_a_held_request_is_answered_after_a_professional_releases_it(county, tmp_path):
    store, work = county
    assert _disclose(store, tmp_path / "out", TEEN, "guardian").exit_code == 10
    result = _cli(store, "disclose", "--request", "LS-2026-0001", "--professional-decision", "release",
                  "--decided-by", "Sosiaalityöntekijä Saara", "--decision-reason", "the prohibition is clearly "
                  "against the child's interest", "--out", str(tmp_path / "out"), "--today", "2026-06-03")
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".csv", ".pdf", ".xlsx"]
    released = get_request(work, "LS-2026-0001")
    assert (released.status, released.professional_decision) == ("delivered", "release")


def test_a_held_request_a_professional_refuses_gets_a_written_decision(county, tmp_path):
    store, _ = county
    _disclose(store, tmp_path / "out", TEEN, "guardian")
    result = _cli(store, "disclose", "--request", "LS-2026-0001", "--professional-decision", "refuse",
                  "--decided-by", "Saara", "--ground", "minor_prohibition", "--decision-reason",
                  "the prohibition rests on a weighty reason and is in the child's interest",
                  "--out", str(tmp_path / "out"))
    assert result.exit_code == 11
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["LS-2026-0001-decision-fi.pdf"]


def test_an_invalid_identity_code_is_refused_without_repeating_it(county, tmp_path):
    store, _ = county
    wrong = ADULT[:-1] + ("A" if ADULT[-1] != "A" else "B")
    result = _disclose(store, tmp_path / "out", wrong, "self")
    assert result.exit_code != 0
    assert "not a valid personal identity code" in str(result.exception)
    assert wrong not in str(result.exception) + result.output


def test_a_request_is_corrected_and_cancelled_with_its_history_kept(county, tmp_path):
    """The legal clock runs from receipt (703/2023 11 §): a corrected received date moves the due date."""
    store, work = county
    assert _disclose(store, tmp_path / "out", TEEN, "guardian").exit_code == 10      # held: still open
    fixed = _cli(store, "requests", "--correct", "LS-2026-0001", "--received", "2026-05-25", "--by", "Helena",
                 "--reason", "the letter was stamped received on 25.5.")
    assert fixed.exit_code == 0, fixed.output
    assert get_request(work, "LS-2026-0001").due_on.isoformat() == "2026-07-25"
    assert _cli(store, "requests", "--cancel", "LS-2026-0001", "--by", "Helena").exit_code != 0   # no reason
    cancelled = _cli(store, "requests", "--cancel", "LS-2026-0001", "--by", "Helena", "--reason", "withdrawn by phone")
    assert cancelled.exit_code == 0 and get_request(work, "LS-2026-0001").status == "cancelled"
    history = _cli(store, "requests", "--history", "LS-2026-0001")
    text = " ".join(history.output.split())
    for change in ("registered", "held", "corrected", "cancelled"):
        assert change in text
    assert TEEN not in history.output
