"""Shared fixtures: paths to the bundled county and the published samples, and fresh stores."""

from __future__ import annotations

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


@pytest.fixture
def store_con(tmp_store):
    """An open, migrated, empty store."""
    con = connect(tmp_store)
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
