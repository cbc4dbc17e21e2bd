"""Fixtures of the business-rule tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions.business.rulebook import RULES_DIR


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the real rules/ folder, safe to break."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy)
    return copy
