"""Session fixtures: generated landing folders (tiny, tiny with faults, small)."""

from __future__ import annotations

import pytest
from sc_helpers import Generated, run


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return run(tmp_path_factory.mktemp("tiny"), scale="tiny")


@pytest.fixture(scope="session")
def tiny_faults(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return run(tmp_path_factory.mktemp("tiny_faults"), scale="tiny", faults=True)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return run(tmp_path_factory.mktemp("small"), scale="small")
