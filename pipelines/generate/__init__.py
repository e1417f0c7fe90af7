"""The synthetic county: reference data, access logs in every source format, and planted ground truth.

`generate(size, seed, out)` writes DIR/reference, DIR/events and DIR/labels; see data_samples/README.md.
"""

from .run import Summary, generate

__all__ = ["Summary", "generate"]
