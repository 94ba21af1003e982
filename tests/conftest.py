"""Test settings: an isolated, quiet Prefect (set before anything imports it) and shared fixtures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Prefect reads its settings at import: give the tests their own home, no analytics, quiet logs,
# and no API URL at all (an empty one is an error; unset means a temporary local server).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="dedupe-prefect-home-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ.pop("PREFECT_API_URL", None)

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SHARED = PROJECT.parent / "shared"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, skipping the test when the material is not beside the project."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path
