"""Change monitoring: what changed between two deliveries of the same data."""

from __future__ import annotations

from erdq.diff.kbart import CHANGE_KINDS, MATCH_KEYS, Change, DiffResult, diff_kbart

__all__ = ["CHANGE_KINDS", "MATCH_KEYS", "Change", "DiffResult", "diff_kbart"]
