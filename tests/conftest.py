"""Shared fixtures: paths to the bundled county and the published samples, and fresh stores."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines import PROJECT_ROOT, SAMPLES_DIR
from pipelines.store import connect

SHARED_SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"
SMALL_COUNTY = SAMPLES_DIR / "small"


@pytest.fixture
def tmp_store(tmp_path) -> Path:
    """Path of a store that does not exist yet."""
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def empty_store_template(tmp_path_factory) -> Path:
    """One migrated, empty store per test process, copied for every test that wants a fresh one: creating a
    store runs every migration (about 0.2 s), copying the file costs a hundredth of that. The migrations
    themselves are tested on stores made from nothing (test_store_migrations.py)."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def store_con(tmp_store, empty_store_template):
    """An open, migrated, empty store (a copy of the process's template, owner-only like a new store)."""
    shutil.copyfile(empty_store_template, tmp_store)
    os.chmod(tmp_store, 0o600)
    con = connect(tmp_store)
    yield con
    con.close()


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    """An open, migrated store shared by one module's tests, for tests that each add a file of their own."""
    con = connect(tmp_path_factory.mktemp("module") / "store.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="session")
def shared_samples() -> Path:
    if not SHARED_SAMPLES.is_dir():
        pytest.skip("../shared/samples is not beside the checkout")
    return SHARED_SAMPLES


@pytest.fixture(scope="session")
def small_county() -> Path:
    if not (SMALL_COUNTY / "reference").is_dir():
        pytest.skip("data_samples/small has not been generated")
    return SMALL_COUNTY


# --- the hand-made counties, defined once for every module ----------------------------------------------------
# app_env and small_store are built once per module: tests write reviews, requests and look-ups into their
# work stores, and a module's tests may count on what they wrote themselves.


@pytest.fixture(scope="module")
def app_env(tmp_path_factory) -> dict[str, str]:
    """Environment of a ready county store (tiny, hand-made) and a users file with one user per role."""
    from app_county import make_app_env

    return make_app_env(tmp_path_factory.mktemp("app"))


@pytest.fixture(scope="session")
def sample_env(tmp_path_factory) -> dict[str, str]:
    """The bundled sample county run through the real pipeline (skipped when it cannot be built)."""
    from app_county import PASSWORDS, ROLES, sample_store

    from pipelines.access import write_users_file

    root = tmp_path_factory.mktemp("sample")
    store = sample_store(root / "county.duckdb")
    if store is None:
        pytest.skip("data_samples/small is missing or the pipeline cannot run on it yet")
    users = root / "users.toml"
    write_users_file(users, ROLES, PASSWORDS)
    return {"LOKIVAHTI_STORE": str(store), "LOKIVAHTI_USERS": str(users)}


@pytest.fixture(scope="session")
def county_template(tmp_path_factory) -> Path:
    """The disclosure tests' hand-made county, built once per session; each test gets its own copy."""
    from disclosure_county import build_county

    return build_county(tmp_path_factory.mktemp("county"))


@pytest.fixture
def county(tmp_path, county_template):
    """(store path, work store path) of a fresh copy of the hand-made county, with one finding reviewed."""
    import shutil

    from disclosure_county import CONFIRMED_FINDING

    from pipelines.workstore import record_review

    store = tmp_path / "store.duckdb"
    shutil.copyfile(county_template, store)
    work = tmp_path / "store.work.sqlite"
    record_review(work, CONFIRMED_FINDING, "violation_confirmed", actor="dpo", note="no involvement")
    return store, work


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    """The bundled synthetic county's reference data and one month of four systems' logs (kept fast)."""
    from disclosure_county import SMALL_FILES

    from pipelines.ingest.engine import ingest_file
    from pipelines.reference import import_reference

    small = SAMPLES_DIR / "small"
    if not all((small / "events" / f).is_file() for f in SMALL_FILES):
        pytest.skip("data_samples/small has not been generated")
    store = tmp_path_factory.mktemp("small") / "small.duckdb"
    con = connect(store)
    try:
        import_reference(con, small / "reference")
        for f in SMALL_FILES:
            ingest_file(con, small / "events" / f)
    finally:
        con.close()
    return store


# `make test-fast` is the quick check of the domain: the rule and request casebooks, ingest, disclosure, the
# store. It leaves out what is marked slow here, so no test has to remember the mark:
# - tests on a whole generated county or a real pipeline run (by the fixture they use);
# - whole modules that drive a face (Streamlit's test harness, a served dashboard, the notebook, the CLI in
#   subprocesses), build counties, or train, score and evaluate the anomaly model over a toy county;
# - property tests (hypothesis runs each many times) and the few sweeps named below.
# `make test` runs them all.
SLOW_FIXTURES = {"small_county", "sample_env", "small_store"}
SLOW_MODULES = {
    "test_app_pages.py", "test_app_serve.py", "test_app_requests.py", "test_app_reports.py", "test_notebook.py",
    "test_generator.py", "test_hostile_cli.py", "test_disclosure_cli.py", "test_scoring.py", "test_features.py",
    "test_hostile_tally_property.py", "test_model_context.py", "test_evaluate.py", "test_app_work.py",
    "test_app_county.py",
}
SLOW_TESTS = {
    "test_record_and_line_numbers_hold_in_a_file_big_enough_to_be_read_in_parallel",
    "test_local_to_utc_agrees_with_zoneinfo_every_half_hour_for_eight_years",
    "test_a_one_line_bundle_over_a_megabyte_is_streamed_entry_by_entry",
}


def _is_slow(item) -> bool:
    return (bool(SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))
            or item.path.name in SLOW_MODULES
            or getattr(item, "originalname", item.name) in SLOW_TESTS
            or getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def pytest_ignore_collect(collection_path, config):
    """With `-m "not slow"` a slow module is not even imported: several import scikit-learn or Streamlit, and
    every xdist worker would pay for that at collection."""
    if collection_path.name in SLOW_MODULES and "not slow" in (config.getoption("markexpr") or ""):
        return True
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)
