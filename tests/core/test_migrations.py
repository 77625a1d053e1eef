"""Migrations are checked: `upgrade head` on an empty database, then `alembic check` finds no drift."""

from __future__ import annotations

import pytest
from alembic import command

from tests.conftest import alembic_config


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_head_then_check(backend: str, request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{request.getfixturevalue('tmp_path')}/empty.db"
        command.upgrade(alembic_config(url), "head")
    else:
        url = request.getfixturevalue("postgres_database")  # migrated from empty by the fixture
    command.check(alembic_config(url))
    # Downgrading to nothing and back up works too, so a bad migration can be rolled back.
    if backend == "sqlite":
        command.downgrade(alembic_config(url), "base")
        command.upgrade(alembic_config(url), "head")
