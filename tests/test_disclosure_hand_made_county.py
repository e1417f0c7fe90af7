"""The hand-made county of the disclosure tests (tests/disclosure_county.py) loads as described."""

from __future__ import annotations

from disclosure_county import ADULT, CHILD, DEAD, LAPSED, OTHER, STAFF_PID, TEEN
from stdnum.fi import hetu as stdnum_hetu

from pipelines.store import connect


def test_the_hand_made_county_loads_every_event_of_every_system(county):
    con = connect(county[0], read_only=True)
    try:
        rows = con.execute("SELECT source_system, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    assert dict(rows) == {"effica": 2, "pegasos": 2, "portal": 4, "pro_consona": 10}


def test_synthetic_identity_codes_are_valid_and_never_issued():
    for code in (CHILD, TEEN, DEAD, ADULT, OTHER, LAPSED, STAFF_PID):
        assert stdnum_hetu.validate(code, allow_temporary=True) == code
        assert 900 <= int(code[7:10]) <= 999
