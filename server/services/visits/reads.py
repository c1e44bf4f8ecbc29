"""Who read a household (个人信息查阅记录, PIPL): every staff read of its personal data is
already in the audit log; this finds them for the household, its own verified residents
and those who oversee the community, with who, when and what for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from schemas.registry import HouseholdRead, HouseholdReads
from server.auth.principal import Principal
from server.auth.scope import get_scoped
from server.domain.errors import NotFound
from server.models.geo import Household
from server.models.people import Role, Staff
from server.services.audit import audit
from server.services.sql import is_postgres, query
from server.services.visits.registry import HOUSEHOLD_SCOPE

# The household's own reads by id, its visits read one by one, the lists and plans that
# named it, and exports of its community's whole registry. One statement per backend:
# only the test of "this id is in the list's JSON array" differs.
_READS = """
SELECT a.id, a.at, a.actor_id, a.action, a.detail FROM audit_log a
WHERE a.actor_type = 'staff' AND (
    (a.entity = 'household' AND a.entity_id = $1
        AND a.action IN ('household.read', 'household.timeline'))
    OR (a.entity = 'household' AND a.entity_id IS NULL AND a.action = 'household.list'
        AND {in_list})
    OR (a.entity = 'visit' AND a.action = 'visit.read' AND {visit_of})
    OR (a.entity = 'community' AND a.entity_id = $4 AND a.action = 'household.export'))
ORDER BY a.at DESC, a.id DESC
LIMIT {limit}"""
_PG = {
    "in_list": "a.detail -> 'household_ids' @> $2::jsonb",
    "visit_of": "a.detail ->> 'household_id' = $3",
}
_SQLITE = {
    "in_list": "EXISTS (SELECT 1 FROM json_each(a.detail, '$.household_ids') j WHERE j.value = $2)",
    "visit_of": "CAST(json_extract(a.detail, '$.household_id') AS TEXT) = $3",
}
PURPOSE = {
    "household.read": "opened the household record 查看户档",
    "household.timeline": "read its visits and reports 查看走访记录",
    "visit.read": "read one of its visits 查看走访",
    "household.export": "exported the community's registry 导出户籍",
    "due_list": "listed it as due for a visit 走访清单",
    "day_plan": "planned a visit 当日走访计划",
    "list": "found it in a registry search 户籍查询",
}


def _why(action: str, detail: dict[str, Any]) -> str:
    if action == "household.list":
        return PURPOSE.get(str(detail.get("purpose", "list")), PURPOSE["list"])
    return PURPOSE.get(action, action)


def _may_see(p: Principal, h: Household) -> bool:
    """The household's verified residents (the scope checks the binding), admins, and the
    secretary of its community. Workers and the street do not audit one another here."""
    if p.is_resident:
        return True
    return p.role == Role.admin or (p.role == Role.secretary and p.community_id == h.community_id)


async def household_reads(p: Principal, household_id: int, limit: int) -> HouseholdReads:
    h = await get_scoped(Household.all(), p, HOUSEHOLD_SCOPE, id=household_id)
    if not _may_see(p, h):
        raise NotFound("household not found")
    sql = _READS.format(limit=int(limit), **(_PG if is_postgres() else _SQLITE))
    in_list: object = f"[{h.id}]" if is_postgres() else h.id
    found = await query(sql, [str(h.id), in_list, str(h.id), str(h.community_id)])
    ids = {int(r["actor_id"]) for r in found if r["actor_id"] is not None}
    staff = {s.id: s for s in await Staff.filter(id__in=ids)}
    items = []
    for r in found:
        detail = r["detail"]
        if isinstance(detail, str | bytes):
            detail = orjson.loads(detail)
        who = staff.get(int(r["actor_id"])) if r["actor_id"] is not None else None
        at = r["at"] if isinstance(r["at"], datetime) else datetime.fromisoformat(str(r["at"]))
        items.append(
            HouseholdRead(
                at=at,
                staff_id=who.id if who else None,
                staff_name=who.display_name if who else "—",
                role=who.role.value if who else "",
                action=str(r["action"]),
                why=_why(str(r["action"]), detail or {}),
            )
        )
    await audit(p, "household.reads", "household", h.id, {"entries": len(items)})
    return HouseholdReads(household_id=h.id, items=items)
