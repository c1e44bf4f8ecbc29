"""The hot queue path builds plain dicts; they must be exactly what ``ReportRow`` says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from schemas.reports import ReportRow
from server.services.encoded import dumps
from server.services.reports.views import row_dict, row_view

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _row(**over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": 9,
        "community_id": 2,
        "category_id": 3,
        "priority": "high",
        "status": "accepted",
        "title": "楼道堆物",
        "owner_id": 5,
        "resident_id": None,
        "created_at": NOW - timedelta(days=2),
        "due_at": NOW - timedelta(hours=1),
        "paused_at": None,
        "escalation_level": 1,
    }
    row.update(over)
    return row


@pytest.mark.parametrize(
    "over",
    [
        {},
        {"status": "closed"},
        {"paused_at": NOW - timedelta(hours=3)},
        {"due_at": NOW + timedelta(hours=1)},
        {"category_id": 99},
    ],
)
def test_row_dict_matches_the_schema_and_the_model_path(over: dict[str, object]) -> None:
    r = _row(**over)
    codes = {3: "sanitation"}
    fast = row_dict(r, codes, NOW)
    assert set(fast) == set(ReportRow.model_fields)
    assert ReportRow.model_validate(fast) == row_view(r, codes, NOW)
    encoded = orjson.loads(dumps(fast))  # as the queue page encodes it
    assert encoded == orjson.loads(row_view(r, codes, NOW).model_dump_json())
