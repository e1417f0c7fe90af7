"""One configuration file (lokivahti.toml) holds every threshold; a user file is merged over it."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import PROJECT_ROOT

DEFAULTS_FILE = PROJECT_ROOT / "lokivahti.toml"


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@lru_cache(maxsize=8)
def load_config(path: str | None = None) -> dict[str, Any]:
    """Defaults from lokivahti.toml, overridden by PATH or $LOKIVAHTI_CONFIG when given."""
    with open(DEFAULTS_FILE, "rb") as fh:
        config = tomllib.load(fh)
    override = path or os.environ.get("LOKIVAHTI_CONFIG")
    if override:
        with open(Path(override), "rb") as fh:
            config = _merge(config, tomllib.load(fh))
    return config
