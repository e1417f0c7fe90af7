"""A tiny hand-made county for tests and demonstrations of the anomaly model (no real or hetu-like ids).

Twelve social workers in two units read their own clients on weekdays in office hours; one of them, on one
day, opens dozens of the other unit's clients in the evening. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import polars as pl

from ..sqlfiles import statement

START = date(2026, 3, 2)  # a Monday
DAYS = 28
ANOMALY = ("S03", START + timedelta(days=17))  # a Thursday
STAFF = [f"S{i:02d}" for i in range(1, 13)]


def _sql(name: str) -> str:
    return statement("features/toy_county.sql", name)


def _unit(staff_id: str) -> str:
    return "U1" if int(staff_id[1:]) <= 6 else "U2"


def load_toy_county(con: duckdb.DuckDBPyConnection, seed: int = 7, anomaly: bool = True) -> tuple[str, date]:
    """Fill an empty migrated store with the toy county; returns the planted anomalous (staff_id, day)."""
    rnd = random.Random(seed)
    clients = [f"C{i:03d}" for i in range(1, 121)]
    own = {s: clients[i * 10:(i + 1) * 10] for i, s in enumerate(STAFF)}
    unit_clients = {"U1": clients[:60], "U2": clients[60:]}
    con.executemany(_sql("staff"), [[s, f"Worker {s}", _unit(s), i] for i, s in enumerate(STAFF, 1)])
    con.executemany(_sql("accounts"), [[s.lower(), s, i] for i, s in enumerate(STAFF, 1)])
    con.execute(_sql("second_account"))
    involvement = [[c, s, None, "responsible_worker"] for s in STAFF for c in own[s]]
    involvement += [[c, None, u, "unit"] for u, cs in unit_clients.items() for c in cs]
    con.executemany(_sql("involvement"), involvement)
    con.executemany(_sql("clients"), [[c, c in ("C070", "C071", "C072")] for c in clients])
    rows = []

    def add(staff, when: datetime, client, action, system="pegasos"):
        account = staff.lower() if system == "pegasos" else "x-" + staff.lower()
        rows.append({"source_system": system, "source_event_id": f"t{len(rows)}", "event_local": when,
                     "account": account, "client_id": client, "action": action})

    for d in range(DAYS):
        day = START + timedelta(days=d)
        if day.isoweekday() >= 6:
            continue
        for s in STAFF:
            t = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=rnd.randint(0, 40))
            for _ in range(rnd.randint(8, 14)):
                t += timedelta(minutes=rnd.randint(5, 40))
                add(s, t, rnd.choice(own[s]), "read")
            add(s, t + timedelta(minutes=3), None, "search")
    if anomaly:
        staff, day = ANOMALY
        t = datetime.combine(day, datetime.min.time()) + timedelta(hours=20)
        for c in unit_clients["U2"][:45]:
            t += timedelta(minutes=2)
            add(staff, t, c, "read", system="effica" if c in ("C070", "C071") else "pegasos")
    frame = pl.DataFrame(rows).with_columns(
        (pl.col("event_local").dt.replace_time_zone("Europe/Helsinki").dt.convert_time_zone("UTC")).alias("event_time"),
        pl.col("event_local").dt.date().alias("event_date"),
    )
    con.register("toy_events", frame.to_arrow())
    con.execute(_sql("events"))
    con.unregister("toy_events")
    return ANOMALY
