"""One outbox writer: the ORM path and the PostgreSQL create statement write the same
columns, and those are every column of ``OutboxEvent``."""

from __future__ import annotations

import re

import pytest
from tortoise.transactions import in_transaction

from server.models.records import OutboxEvent
from server.services import outbox
from server.services.reports import create_pg


def _model_columns() -> set[str]:
    meta = OutboxEvent._meta
    return set(meta.db_fields) - {meta.db_pk_column}


def test_the_writer_covers_every_column_of_the_model() -> None:
    # A column added to the model without a value here fails this test.
    assert set(outbox.COLUMNS) == _model_columns()
    assert len(outbox.COLUMNS) == len(set(outbox.COLUMNS))


def test_the_postgres_create_statement_writes_the_models_columns() -> None:
    for sql in create_pg.SQL.values():
        found = re.findall(r"INSERT INTO outbox_event \(([^)]*)\)", sql)
        assert len(found) == 1
        assert [c.strip() for c in found[0].split(",")] == list(outbox.COLUMNS)


def test_insert_select_gives_one_expression_per_column_and_refuses_a_missing_one() -> None:
    given = {c: f"x_{c}" for c in outbox.GIVEN}
    sql = outbox.insert_select(given, stamp="now()", source="src")
    select = sql.split("SELECT ", 1)[1].split("\n")[0]
    assert len(select.split(", ")) == len(outbox.COLUMNS)
    assert select.startswith(", ".join(given[c] for c in outbox.GIVEN))
    del given["payload"]
    with pytest.raises(ValueError, match="payload"):
        outbox.insert_select(given, stamp="now()", source="src")


async def test_emit_writes_one_row_per_topic(db: None) -> None:
    async with in_transaction() as conn:
        rows = await outbox.emit(
            ["report.created", "report.assigned"],
            "report",
            7,
            {"report_id": 7},
            community_id=3,
            using_db=conn,
        )
        (one,) = await outbox.emit("rota.changed", "rota", 9, {}, using_db=conn)
    assert len(rows) == 2 and one.id is not None
    stored = await OutboxEvent.all().order_by("id").values("topic", "aggregate_id", "attempts")
    assert [(s["topic"], s["aggregate_id"]) for s in stored] == [
        ("report.created", "7"),
        ("report.assigned", "7"),
        ("rota.changed", "9"),
    ]
    assert all(s["attempts"] == 0 for s in stored)
