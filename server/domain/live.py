"""Who sees which event on the staff live feed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Topics that reach the live feed, and what the feed calls them.
LIVE_TOPICS = frozenset(
    {
        "report.created",
        "report.assigned",
        "report.status_changed",
        "report.overdue",
        "report.escalated",
        "report.dispatched",
        "report.recalled",
        "report.withdrawn",
        "rota.published",
        "rota.changed",
    }
)


@dataclass(frozen=True, slots=True)
class Viewer:
    staff_id: int
    role: str
    community_id: int | None
    street_id: int | None
    department_id: int | None


@dataclass(frozen=True, slots=True)
class Audience:
    topic: str
    community_id: int | None
    street_id: int | None
    staff_ids: tuple[int, ...]
    department_ids: tuple[int, ...]


def audience_of(topic: str, payload: dict[str, Any], street_id: int | None) -> Audience:
    community_id = payload.get("community_id")
    owner = payload.get("owner_id")
    staff_ids = tuple(int(x) for x in [owner] if x is not None)
    departments = tuple(int(d) for d in payload.get("department_ids") or ())
    return Audience(topic, community_id, street_id, staff_ids, departments)


def sees(v: Viewer, a: Audience) -> bool:
    """New reports and rota changes go to the community (and its street's dispatchers);
    assignments and overdue matters to their owner, overdue ones also to the secretary
    and the street; dispatches to the departments named; a change of status to whoever
    sees the report's row on a board (its community, street, owner and departments).
    Admins see everything."""
    if v.role == "admin":
        return True
    in_community = v.community_id is not None and v.community_id == a.community_id
    in_street = (
        v.role == "street_dispatcher" and v.street_id is not None and (v.street_id == a.street_id)
    )
    if a.topic in ("report.created", "rota.published", "rota.changed"):
        return (in_community and v.role in ("worker", "secretary")) or in_street
    if a.topic == "report.assigned":
        return v.staff_id in a.staff_ids
    if a.topic in ("report.overdue", "report.escalated"):
        return v.staff_id in a.staff_ids or (in_community and v.role == "secretary") or in_street
    if a.topic == "report.dispatched":
        return v.department_id is not None and v.department_id in a.department_ids
    if a.topic == "report.recalled":  # the department it was taken from, and the owner
        return (
            v.department_id is not None and v.department_id in a.department_ids
        ) or v.staff_id in a.staff_ids
    if a.topic == "report.withdrawn":
        return (
            v.staff_id in a.staff_ids
            or (in_community and v.role == "secretary")
            or (v.department_id is not None and v.department_id in a.department_ids)
        )
    if a.topic == "report.status_changed":
        return (
            (in_community and v.role in ("worker", "secretary"))
            or in_street
            or v.staff_id in a.staff_ids
            or (v.department_id is not None and v.department_id in a.department_ids)
        )
    return False
