"""Reference data is validated row by row: a bad row is kept out with file, line, column and a value-free reason."""

from __future__ import annotations

import pytest

from pipelines.errors import InputError
from pipelines.reference import import_reference

CLIENT = "010315A9010"          # synthetic: individual number 901, valid check character
OTHER_CLIENT = "120708A902J"
WRONG_CHECK = "010315A901A"     # the same code with a wrong check character

FILES = {
    "organisations.csv": "organisation_id,name,kind\nHVA,Hyvinvointialue,county\nYKS1,Yksityinen Oy,private_provider\n",
    "staff.csv": ("staff_id,full_name,personal_id,address,organisation_id,unit_id,role,title,valid_from,valid_to\n"
                  "S1,Testi Työntekijä,,,HVA,U1,social_worker,sosiaalityöntekijä,2020-01-01,\n"),
    "accounts.csv": "source_system,account,staff_id\npro_consona,sosa1,S1\n",
    "role_permissions.csv": "role,service_task,action,requires_involvement\nsocial_worker,child_welfare,read,true\n",
    "involvement.csv": (f"client_id,staff_id,unit_id,kind,valid_from,valid_to\n"
                        f"{CLIENT},S1,,responsible_worker,2023-01-01,\n"),
    "clients.csv": ("client_id,full_name,birth_date,address,deceased_on,security_prohibition,placement_secret,"
                    "placement_secret_until,minor_capacity\n"
                    f"{CLIENT},Testi Lapsi,2015-03-01,,,false,false,,\n"
                    f"{OTHER_CLIENT},Toinen Lapsi,2008-07-12,,,true,false,,not_capable\n"),
}


def reference_folder(tmp_path, **overrides):
    folder = tmp_path / "reference"
    folder.mkdir()
    for name, text in (FILES | overrides).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def rejects(con):
    return con.execute("SELECT file_name, line_no, column_name, reason FROM reference_rejects ORDER BY line_no").fetchall()


def test_a_valid_folder_loads_every_row(store_con, tmp_path):
    result = import_reference(store_con, reference_folder(tmp_path))
    assert result["rows"]["ref_clients"] == 2 and result["rejects"] == []
    assert store_con.execute("SELECT count(*) FROM ref_staff").fetchone()[0] == 1


def test_a_missing_column_stops_the_import_naming_the_file_and_column(store_con, tmp_path):
    folder = reference_folder(tmp_path, **{"staff.csv": FILES["staff.csv"].replace(",valid_from", ",alkaen")})
    with pytest.raises(InputError) as caught:
        import_reference(store_con, folder)
    assert caught.value.path.endswith("staff.csv") and caught.value.field == "valid_from"
    assert caught.value.line == 1
    assert store_con.execute("SELECT count(*) FROM reference_imports").fetchone()[0] == 0


def test_a_bad_date_is_a_reject_with_file_line_and_column(store_con, tmp_path):
    bad = FILES["involvement.csv"] + f"{OTHER_CLIENT},S1,,work_pair,1.1.2024,\n"
    import_reference(store_con, reference_folder(tmp_path, **{"involvement.csv": bad}))
    assert rejects(store_con) == [("involvement.csv", 3, "valid_from", "not a date (expected YYYY-MM-DD)")]
    assert store_con.execute("SELECT count(*) FROM ref_involvement").fetchone()[0] == 1


def test_a_wrong_check_character_is_a_reject_whose_reason_does_not_repeat_the_code(store_con, tmp_path):
    bad = FILES["clients.csv"] + f"{WRONG_CHECK},Väärä Tunnus,2015-03-01,,,false,false,,\n"
    import_reference(store_con, reference_folder(tmp_path, **{"clients.csv": bad}))
    [(file_name, line, column, reason)] = rejects(store_con)
    assert (file_name, line, column) == ("clients.csv", 4, "client_id")
    assert "check character" in reason
    assert WRONG_CHECK not in reason and "Väärä" not in reason


def test_a_value_outside_its_vocabulary_is_a_reject(store_con, tmp_path):
    bad = FILES["organisations.csv"] + "X1,Outo,church\n"
    import_reference(store_con, reference_folder(tmp_path, **{"organisations.csv": bad}))
    [(file_name, line, column, reason)] = rejects(store_con)
    assert (file_name, line, column) == ("organisations.csv", 4, "kind")
    assert "church" not in reason


def test_a_missing_required_file_stops_the_import(store_con, tmp_path):
    folder = reference_folder(tmp_path)
    (folder / "clients.csv").unlink()
    with pytest.raises(InputError, match="required reference file is missing"):
        import_reference(store_con, folder)


def test_a_new_import_replaces_the_previous_snapshot(store_con, tmp_path):
    import_reference(store_con, reference_folder(tmp_path))
    smaller = tmp_path / "next"
    smaller.mkdir()
    for name, text in FILES.items():
        (smaller / name).write_text(text if name != "clients.csv" else "\n".join(text.splitlines()[:2]) + "\n",
                                    encoding="utf-8")
    import_reference(store_con, smaller)
    assert store_con.execute("SELECT count(*) FROM ref_clients").fetchone()[0] == 1


def test_an_import_empties_every_table_of_the_contract_and_no_other():
    """A new import replaces the whole snapshot: the `clear` step of sql/reference/import.sql names exactly the
    contract's tables, so a table added to the contract cannot keep the previous snapshot's rows."""
    import re

    from pipelines.reference import CONTRACT
    from pipelines.sqlfiles import statement

    cleared = re.findall(r"DELETE FROM (\w+);", statement("reference/import.sql", "clear"))
    assert sorted(cleared) == sorted(table for table, _, _ in CONTRACT.values())
