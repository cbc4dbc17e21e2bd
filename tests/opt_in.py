"""Suites that start real servers run only when asked for (their make target sets a variable)."""

from __future__ import annotations

import os

import pytest


def skip_unless_enabled(items: list[pytest.Item], variable: str, folder: str, target: str) -> None:
    """Mark the tests under `folder` skipped unless `variable` is "1" (set by `make target`)."""
    if os.environ.get(variable) == "1":
        return
    skip = pytest.mark.skip(reason=f"{folder}: run `make {target}` ({variable}=1)")
    for item in items:
        if folder in item.nodeid:
            item.add_marker(skip)
