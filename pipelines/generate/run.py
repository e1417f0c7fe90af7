"""`generate()`: build the county, plant the cases, stream the events day by day, write the labels.

Deterministic: every random choice comes from a stream seeded by (seed, purpose[, day, worker]), and
everything is iterated in a fixed order, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import random
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median

from ..config import load_config
from .background import Background
from .behaviour import Behaviour
from .county import CountyBuilder
from .legitimate import LegitimateWork, controller_keys, quality_keys
from .model import Event
from .oracle import Oracle
from .plants import Planter
from .reference_files import write_reference
from .rhythm import attendance, days, finnish_holidays
from .sizes import SIZES
from .writers import EventWriter

CASES = {"tiny": 2, "small": 3, "medium": 6, "large": 12}
# behavioural anomalies: days per staff member, and staff members per scenario (five scenarios)
ANOMALY_DAYS = {"tiny": 2, "small": 4, "medium": 8, "large": 12}
ANOMALY_STAFF = {"tiny": 2, "small": 4, "medium": 8, "large": 16}
EVALUATION_NOW = datetime(2027, 1, 1)   # ingest runs happen before this; later timestamps are clock skew


@dataclass
class Summary:
    events: Counter = field(default_factory=Counter)
    violations: Counter = field(default_factory=Counter)
    near_misses: Counter = field(default_factory=Counter)
    key_labels: Counter = field(default_factory=Counter)
    anomalies: int = 0
    staff: int = 0
    clients: int = 0


@dataclass
class _DayJob:
    """What writing a run of days needs: read-only after the county is planted (shared by forked workers)."""
    size: object
    seed: int
    bg: Background
    plants: object
    plant_by_day: dict
    staff_by_id: dict
    holiday_days: set
    reexport_days: set
    writer_args: tuple
    plant_index: dict


@dataclass
class _DayResult:
    """One run of days: counts, and the events the labels need. A planted event is referred to by its place in
    plants.events (("plant", i, event_id)): the parent's own object gets the id, so plants.intended still
    points at it; other events come back as themselves (("event", e))."""
    per_source_day: Counter
    events: Counter
    labels: list
    every: list
    reexport: list


_JOB: _DayJob | None = None  # set before forking: the workers read it instead of receiving it pickled


def _ref(e: Event, plant_index: dict):
    i = plant_index.get(id(e))
    return ("event", e) if i is None else ("plant", i, e.event_id)


def _resolve(ref, plant_events: list[Event]) -> Event:
    if ref[0] == "event":
        return ref[1]
    e = plant_events[ref[1]]
    e.event_id = ref[2]
    return e


def _write_days(day_list: list) -> _DayResult:
    """Generate and write every event of these days (whole months: each file is one worker's)."""
    job = _JOB
    size, seed, bg, plants = job.size, job.seed, job.bg, job.plants
    folder, canonical_only, bundle_day, r5_day = job.writer_args
    writer = EventWriter(folder, canonical_only, bundle_day=bundle_day, r5_day=r5_day)
    result = _DayResult(Counter(), Counter(), [], [], [])
    for d in day_list:
        reserved = plants.reserved.get(d, set())
        day_events = bg.day(d, reserved)
        group = list(job.plant_by_day.get(d, ()))
        for sid in sorted(reserved):
            s = job.staff_by_id.get(sid)
            if s is None or (sid, d) in plants.quiet or not s.employed(d) or not s.active:
                continue
            r = random.Random(f"bg:{seed}:{d.isoformat()}:{sid}")
            weekend_worker = s.unit_id == "KH"
            if r.random() < attendance(d, job.holiday_days, weekend_worker):
                group += bg.worker_day(s, d, r, size.visits)
        silent_today = {src: cap for (src, sd), cap in plants.silent.items() if sd == d}
        day_events += bg.top_up(d, day_events + group, reserved, set(silent_today))
        for src, cap in silent_today.items():
            in_group = sum(1 for e in group if e.source_system == src)
            keep = max(0, cap - in_group)
            ours = sorted((e for e in day_events if e.source_system == src), key=lambda e: e.local)
            drop = {id(e) for e in ours[keep:]}
            day_events = [e for e in day_events if id(e) not in drop]
        taken = {(e.source_system, e.account, e.local) for e in group}
        for e in sorted(day_events, key=lambda e: e.local):
            while (e.source_system, e.account, e.local) in taken:
                e.local += timedelta(seconds=1)
            taken.add((e.source_system, e.account, e.local))
        group_ids = {id(e) for e in group}
        today = sorted(day_events + group, key=lambda e: (e.local, e.source_system))
        for e in today:
            writer.assign_id(e)
            writer.write(e)
            result.per_source_day[(e.source_system, e.day)] += 1
            result.events[e.source_system] += 1
            if id(e) in group_ids:
                result.labels.append(_ref(e, job.plant_index))
            if size.verify:
                result.every.append(_ref(e, job.plant_index))
            if e.source_system == "effica" and e.day in job.reexport_days:
                result.reexport.append(_ref(e, job.plant_index))
    writer.close()
    return result


def _month_runs(day_list: list, parts: int) -> list[list]:
    """The days cut into at most `parts` runs of whole months, of about equal length (each month goes to the run
    its middle day falls in)."""
    months: list[list] = []
    for d in day_list:
        if not months or (months[-1][0].year, months[-1][0].month) != (d.year, d.month):
            months.append([])
        months[-1].append(d)
    target = len(day_list) / max(1, parts)
    runs: list[list] = [[] for _ in range(max(1, parts))]
    before = 0
    for m in months:
        runs[min(len(runs) - 1, int((before + len(m) / 2) / target))] += m
        before += len(m)
    return [r for r in runs if r]


def _run_days(job: _DayJob, day_list: list, workers: int) -> list[_DayResult]:
    """Every day's events, in day order: in this process, or in `workers` forked processes."""
    global _JOB
    _JOB = job
    try:
        runs = _month_runs(day_list, workers) if workers > 1 else [day_list]
        if len(runs) == 1:
            results = [_write_days(day_list)]
        else:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(len(runs)) as pool:
                results = pool.map(_write_days, runs)
    finally:
        _JOB = None
    return results


def _first(day_list, predicate):
    return next(d for d in day_list if predicate(d))


def generate(size_name: str, seed: int, out: Path, canonical_only: bool = False, thresholds: dict | None = None,
             workers: int | None = None) -> Summary:
    """Write the county of `size_name` into out/ (reference/, events/, labels/).

    `workers`: processes writing the events, each a run of whole months (default: 2 for the sizes that are not
    verified event by event, where the events are most of the time; 1 otherwise). The files are the same for
    any number of workers: every day's events come from streams seeded by the day, and event ids count per
    source and month."""
    size = SIZES[size_name]
    workers = workers or (1 if size.verify else 2)
    cfg = thresholds or load_config()["checks"]
    out = Path(out)
    for sub in ("reference", "events", "labels"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    builder = CountyBuilder(size, seed)
    county = builder.build()
    planter = Planter(builder, seed, CASES[size_name])
    planter.thresholds = cfg
    plants = planter.run()
    holiday_days = finnish_holidays(size.start, size.end)
    LegitimateWork(planter, holiday_days).run()
    bg = Background(county, seed, size.visits, holiday_days)
    behaviour = Behaviour(planter, bg)
    behaviour.mass(CASES[size_name])
    behaviour.anomalies(ANOMALY_DAYS[size_name], ANOMALY_STAFF[size_name])
    behaviour.legitimate(CASES[size_name], ANOMALY_DAYS[size_name])

    # planted silences and the overlapping re-export, on days no plant writes to that source
    rng = random.Random(f"log-plants:{seed}")
    plant_source_days = Counter((e.source_system, e.day) for e in plants.events)
    weekdays = [d for d in planter.workdays if d not in holiday_days and d.weekday() < 5]
    silent_days = [d for d in weekdays if d.weekday() == 2]
    rng.shuffle(silent_days)
    silent_days += [d for d in weekdays if d.weekday() != 2]   # when plants took every Wednesday
    casem_day = _first(silent_days, lambda d: ("casem", d) not in plant_source_days)
    # effica keeps 8 events that day: a day with a couple of planted effica events (kept) stays below the minimum
    # (a day with no effica plant at all first: a planted event's worker also works their ordinary day there)
    effica_day = next((d for d in silent_days if d != casem_day and plant_source_days[("effica", d)] == 0), None) \
        or _first(silent_days, lambda d: d != casem_day and plant_source_days[("effica", d)] <= 2)
    plants.silent = {("casem", casem_day): 0, ("effica", effica_day): 8}
    starts = [d for d in weekdays if all(
        (d + timedelta(days=k)) in weekdays and d + timedelta(days=k) not in (casem_day, effica_day)
        and (d + timedelta(days=k)).month == d.month for k in range(3))]   # one month: ingested after the original
    r0 = rng.choice(starts)
    reexport_days = {r0, r0 + timedelta(days=1), r0 + timedelta(days=2)}

    reference_keys = write_reference(county, out / "reference", plants.key_objects + quality_keys(county))
    oracle = Oracle(county, cfg, now=EVALUATION_NOW)
    weekend = [d for d in days(size.start + timedelta(days=7), size.end) if d.weekday() == 5]
    writer_args = (out / "events", canonical_only, weekend[0], weekend[0] + timedelta(days=1))
    plant_by_day = defaultdict(list)
    for e in plants.events:
        plant_by_day[e.day].append(e)
    summary = Summary(staff=len(county.staff), clients=len(county.clients))
    job = _DayJob(size=size, seed=seed, bg=bg, plants=plants, plant_by_day=plant_by_day,
                  staff_by_id={s.staff_id: s for s in county.staff}, holiday_days=holiday_days,
                  reexport_days=reexport_days, writer_args=writer_args,
                  plant_index={id(e): i for i, e in enumerate(plants.events)})
    label_group: list[Event] = []
    every: list[Event] = []
    reexport: list[Event] = []
    per_source_day: Counter = Counter()
    for part in _run_days(job, list(days(size.start, size.end)), workers):
        per_source_day.update(part.per_source_day)
        summary.events.update(part.events)
        label_group += [_resolve(ref, plants.events) for ref in part.labels]
        every += [_resolve(ref, plants.events) for ref in part.every]
        reexport += [_resolve(ref, plants.events) for ref in part.reexport]
    # future-dated plants (clock skew) lie outside the period, in months of their own (the workers wrote and
    # numbered the period's months; a second writer of one of them would overwrite its file)
    period_months = {(d.year, d.month) for d in days(size.start, size.end)}
    outside = [e for e in plants.events if e.day > size.end or e.day < size.start]
    clash = sorted({(e.day.year, e.day.month) for e in outside} & period_months)
    if clash:
        raise RuntimeError(f"planted events outside the period fall in its months {clash}")
    writer = EventWriter(*writer_args[:2], bundle_day=writer_args[2], r5_day=writer_args[3])
    for e in outside:
        writer.assign_id(e)
        writer.write(e)
        summary.events[e.source_system] += 1
        label_group.append(e)
        if size.verify:
            every.append(e)
    changed = next(e for e in reexport if e.day == r0 + timedelta(days=1) and e.document and not e.plant)
    new_document = "asiakaskertomus (korjattu)" if changed.document != "asiakaskertomus" else "päätös"
    writer.write_reexport(reexport, changed, new_document)
    writer.close()

    # labels: the oracle's verdict on every planted event (docs/rules.md), plus the key-level cases
    verdicts = oracle.judge_all(label_group)
    rows, problems = [], []
    verdict_of = {id(e): v for e, v in zip(label_group, verdicts)}
    for e, v in zip(label_group, verdicts):
        if (not e.plant or e.plant.startswith(("anomaly_", "legitimate_"))) and v:
            problems.append(f"{e.plant or 'background'} event {e.event_id} breaks {sorted(v)}")
        for rule in sorted(v):
            rows.append((e.source_system, e.event_id, rule, "violation"))
    for e, rule in plants.intended:
        if rule not in verdict_of.get(id(e), ()):
            problems.append(f"planted {e.plant} ({e.event_id}) does not break {rule}")
    for e, rule in plants.near_misses:
        if rule in verdict_of.get(id(e), ()):
            problems.append(f"near miss {e.plant} ({e.event_id}) breaks {rule}")
        else:
            rows.append((e.source_system, e.event_id, rule, "near_miss"))
    rows = sorted(set(rows))
    keys = [("log_silent_source", f"{src}|{d.isoformat()}") for (src, d) in sorted(plants.silent)]
    keys.append(("log_export_mismatch", f"effica|{changed.event_id}"))
    keys += reference_keys + controller_keys(per_source_day, canonical_only)
    # every other source-weekday must have enough events (or the silent-source rule would fire by accident);
    # a planted silence must be silent by both of the rule's measures: the floor and the share of a usual day
    minimum = cfg["silent_source_min_daily_events"]
    for src in sorted({s for s, _d in per_source_day}):
        active = sorted(d for s, d in per_source_day if s == src and size.start <= d <= size.end)
        for d in days(active[0], active[-1]):
            if d.weekday() < 5 and d not in holiday_days and per_source_day[(src, d)] < minimum \
                    and (src, d) not in plants.silent:
                problems.append(f"source {src} has only {per_source_day[(src, d)]} events on {d}")
        working = [n for (s, d), n in per_source_day.items() if s == src and n and d.weekday() < 5
                   and d not in holiday_days]
        silent_below = min(minimum, cfg["silent_source_share_of_usual"] * median(working or [0]))
        for (s, d) in plants.silent:
            if s == src and per_source_day[(s, d)] >= silent_below:
                problems.append(f"planted silence {src} {d} has {per_source_day[(s, d)]} events")
    problems += _verify_reference(county, plants.key_objects)
    if size.verify:
        problems += _verify_background(oracle, every, label_group)
    if problems:
        raise RuntimeError("generated county is inconsistent with docs/rules.md:\n  " + "\n  ".join(problems[:40]))

    labels = out / "labels"
    labels.mkdir(parents=True, exist_ok=True)
    with open(labels / "event_labels.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("source_system", "source_event_id", "rule_id", "kind"))
        w.writerows(rows)
    with open(labels / "key_labels.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("rule_id", "key"))
        w.writerows(sorted(keys))
    with open(labels / "anomalies.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("staff_id", "date", "scenario"))
        w.writerows(sorted((s, d.isoformat(), sc) for s, d, sc in plants.anomalies))
    with open(labels / "legitimate_days.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("staff_id", "date", "kind"))
        w.writerows(sorted((s, d.isoformat(), k) for s, d, k in plants.legitimate))
    for _s, _e, rule, kind in rows:
        (summary.violations if kind == "violation" else summary.near_misses)[rule] += 1
    for rule, _k in keys:
        summary.key_labels[rule] += 1
    summary.anomalies = len(plants.anomalies)
    return summary


def _verify_background(oracle: Oracle, every: list[Event], label_group: list[Event]) -> list[str]:
    """Every event outside the planted staff-days must be clean under docs/rules.md."""
    planted = {id(e) for e in label_group}
    problems = []
    for e, v in zip(every, oracle.judge_all(every)):
        if id(e) not in planted and v:
            problems.append(f"background {e.source_system} {e.event_id} {e.action} {e.service_task} breaks {sorted(v)}")
    return problems


def _verify_reference(county, key_objects) -> list[str]:
    """Reversed periods, overlapping employment and unknown roles exist only where planted."""
    planted = {id(obj) for _rule, _table, obj in key_objects}
    problems = []
    for table, rows in (("staff", county.staff + county.extra_staff_rows), ("involvement", county.involvement),
                        ("provider_authorisations", county.authorisations),
                        ("disclosure_prohibitions", county.prohibitions),
                        ("disclosure_permissions", county.permissions)):
        for n, row in enumerate(rows):
            if row.valid_to is not None and row.valid_to < row.valid_from and id(row) not in planted:
                problems.append(f"unplanted reversed period in {table} line {n + 2}")
    roles = {r for r, _t, _a, _q in county.role_permissions}
    for s in county.staff:
        if s.role not in roles and id(s) not in planted:
            problems.append(f"unplanted unknown role of {s.staff_id}")
    seen = {}
    for s in county.staff + county.extra_staff_rows:
        if s.staff_id in seen and id(s) not in planted:
            problems.append(f"unplanted second staff row of {s.staff_id}")
        seen[s.staff_id] = s
    return problems
