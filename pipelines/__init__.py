"""Lokivahti: access-log audit and anomaly analyser for social-care client records."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
SAMPLES_DIR = PROJECT_ROOT / "data_samples"

__all__ = ["PROJECT_ROOT", "SAMPLES_DIR", "SQL_DIR"]
