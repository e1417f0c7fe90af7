"""Streaming JSON values out of a file in bounded memory, one resource at a time.

Servers send FHIR Bundles as one minified line of any size, so neither `json.loads` of the whole file
nor of one line is bounded. This reads the token stream (ijson) and builds only one resource at a time:
a top-level object, each element of a top-level array, or each `entry` of a Bundle. A value deeper
than `max_depth` or larger than `max_bytes` (counted as it is built) is not kept: its tokens are read
past and the record is reported as too large or too deep, so no input can exhaust memory or the stack
(`json.loads` of a 6 KB file of nested brackets raises RecursionError).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ijson


@dataclass
class Value:
    """One complete value: `value` is None when it broke a limit (`problem` says which)."""

    value: Any
    problem: str | None = None
    bundle_entry: bool = False  # an element of a Bundle's `entry` array (the entry, not yet its resource)
    entries: int = 0            # for a top-level object: how many `entry` elements were streamed before it


class _Builder:
    """Builds one value from tokens, counting its size and depth; gives up keeping it past a limit."""

    def __init__(self, max_bytes: int, max_depth: int):
        self.max_bytes, self.max_depth = max_bytes, max_depth
        self.stack: list = []
        self.key: list = []
        self.size = 0
        self.problem: str | None = None
        self.result: Any = None
        self.done = False

    def feed(self, event: str, value) -> None:
        if self.problem is None:
            self.size += 8 + (len(value) if isinstance(value, str) else 0)
            if self.size > self.max_bytes:
                self._give_up(f"larger than max_record_bytes ({self.max_bytes})")
            elif event in ("start_map", "start_array") and len(self.stack) + 1 > self.max_depth:
                self._give_up(f"nested deeper than max_json_depth ({self.max_depth})")
        if event in ("start_map", "start_array"):
            self.stack.append({} if event == "start_map" and self.problem is None else
                              ([] if self.problem is None else None))
            self.key.append(None)
            return
        if event == "map_key":
            if self.problem is None:
                self.key[-1] = value
            return
        if event in ("end_map", "end_array"):
            finished = self.stack.pop()
            self.key.pop()
            self._place(finished)
            return
        self._place(value)

    def _give_up(self, problem: str) -> None:
        self.problem = problem
        self.stack = [None] * len(self.stack)  # keep only the depth, to know where the value ends

    def _place(self, value) -> None:
        if not self.stack:
            self.result, self.done = (None if self.problem else value), True
            return
        parent = self.stack[-1]
        if parent is None or self.problem is not None:
            return
        if isinstance(parent, list):
            parent.append(value)
        else:
            parent[self.key[-1]] = value


def values(fh, *, max_bytes: int, max_depth: int) -> Iterator[Value]:
    """Every resource-sized value of the stream: top-level objects, elements of top-level arrays, and
    the entries of a top-level object's `entry` array (a Bundle: its other keys are built, its entries
    are yielded one by one as they complete, and the Bundle itself last, with `entries` counted).

    ijson errors (malformed JSON, truncation) propagate: the caller quarantines the rest of the stream.
    """
    events = ijson.basic_parse(fh, multiple_values=True, use_float=True)
    top: _Builder | None = None      # a top-level object (a Bundle without its entries)
    item: _Builder | None = None     # an element being built: of a top-level array or of `entry`
    in_top_array = in_entries = False
    pending_key = None
    entries = 0
    for event, value in events:
        if item is not None:
            item.feed(event, value)
            if item.done:
                yield Value(item.result, item.problem, bundle_entry=in_entries)
                item = None
            continue
        starts = event in ("start_map", "start_array")
        if in_entries or in_top_array:
            if event == "end_array":
                in_entries = in_top_array = False
                continue
            if in_entries:
                entries += 1
            if starts:
                item = _Builder(max_bytes, max_depth)
                item.feed(event, value)
            else:
                yield Value(value, bundle_entry=in_entries)
            continue
        if top is None:
            if event == "start_array":
                in_top_array = True
            elif event == "start_map":
                top, pending_key, entries = _Builder(max_bytes, max_depth), None, 0
                top.feed(event, value)
            else:
                yield Value(value)  # a bare scalar at the top level
            continue
        at_top_level = len(top.stack) == 1
        if at_top_level and event == "map_key":
            pending_key = value
        if at_top_level and event == "start_array" and pending_key == "entry":
            in_entries = True  # the key stays without a value: the entries are streamed, not kept
            continue
        top.feed(event, value)
        if top.done:
            yield Value(top.result, top.problem, entries=entries)
            top = None
