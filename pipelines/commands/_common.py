"""Helpers shared by the command modules: the store and config chosen by the global options."""

from __future__ import annotations

from rich.console import Console

from ..cli import state
from ..config import load_config
from ..store import connect, store_path

out = Console()
err = Console(stderr=True, soft_wrap=True)


def config() -> dict:
    return load_config(state.config)


def store():
    return store_path(state.store)


def open_rw():
    return connect(state.store, config=config())


def open_ro():
    return connect(state.store, read_only=True, config=config())
