"""Every timestamp in answers has one format: RFC 3339 in UTC, to the microsecond, with Z."""

from __future__ import annotations

import re
from typing import Any

from tests.api.reports.conftest import Ctx

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
ONE_FORMAT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def stamps(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if STAMP.match(value) else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in stamps(v)]
    if isinstance(value, list):
        return [s for v in value for s in stamps(v)]
    return []


async def test_every_timestamp_has_one_format(ctx: Ctx) -> None:
    created = await ctx.report()
    rid = created["id"]
    assert (await ctx.move(rid, "worker", "accept")).status_code == 200
    answers = [created, await ctx.staff_view(rid, "worker")]
    for path, who in [
        ("/api/v1/triage/queue", "worker"),
        ("/api/v1/reports/mine", ctx.alice),
        (f"/api/v1/reports/{rid}", ctx.alice),
        ("/api/v1/staff", "admin"),
    ]:
        r = await ctx.client.get(path, headers=ctx.h(who))
        assert r.status_code == 200, (path, r.text)
        answers.append(r.json())
    found = stamps(answers)
    assert len(found) >= 6
    assert [s for s in found if not ONE_FORMAT.match(s)] == []
