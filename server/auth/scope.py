"""Record-level scope, deny by default: which rows a principal may see.

A resource declares where each kind of scope lives on its rows (``ScopeRules``); a role
whose scope the resource does not declare sees nothing. Admins see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.auth.principal import Principal
from server.domain.errors import Forbidden, NotFound
from server.models.geo import Community
from server.models.people import Role

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class ScopeRules:
    community: str | None = None  # path to the community id, e.g. "community_id"
    street: str | None = None  # path to the street id, e.g. "community__street_id"
    department: str | None = None  # path to a department id
    resident: str | None = None  # path to the owning resident id
    # Public directory data (community names): every resident may read all of it.
    public_to_residents: bool = False
    # For resources a resident reaches through a claim staff must confirm (a household
    # binding): the path to the confirmation time, which must be set for the rule to hold.
    resident_verified: str | None = None


def scope_target(p: Principal, rules: ScopeRules) -> tuple[str, int] | None:
    """Where the principal's scope lies on the rows: (path, value), or None for all rows.
    Raises when the resource declares no scope for the principal (deny by default)."""
    path: str | None
    value: int | None
    if p.is_resident and rules.public_to_residents:
        return None
    if p.is_resident:
        path, value = rules.resident, p.id
    elif p.role == Role.admin:
        return None
    elif p.role in (Role.worker, Role.secretary):
        path, value = rules.community, p.community_id
    elif p.role == Role.street_dispatcher:
        path, value = rules.street, p.street_id
    elif p.role == Role.department_officer:
        path, value = rules.department, p.department_id
    else:
        path, value = None, None
    if path is None or value is None:
        raise Forbidden("outside your scope")
    return path, value


def scope_q(p: Principal, rules: ScopeRules) -> Q:
    target = scope_target(p, rules)
    if target is None:
        return Q()
    path, value = target
    if p.is_resident and rules.resident_verified is not None:
        # One Q, so both conditions hold on the same binding row.
        return Q(**{path: value, f"{rules.resident_verified}__isnull": False})  # type: ignore[arg-type]
    return Q(**{path: value})  # type: ignore[arg-type]


def scoped(qs: QuerySet[M], p: Principal, rules: ScopeRules) -> QuerySet[M]:
    return qs.filter(scope_q(p, rules))


async def get_scoped(qs: QuerySet[M], p: Principal, rules: ScopeRules, **lookup: Any) -> M:
    """The row, if it exists and is in scope. Out of scope looks the same as missing."""
    obj = await scoped(qs, p, rules).filter(**lookup).first()
    if obj is None:
        raise NotFound(f"{qs.model.__name__.lower()} not found")
    return obj


def ensure_community(p: Principal, community_id: int, street_id: int | None) -> None:
    """For acting on a community (create, configure): raise unless it is in scope."""
    if p.is_staff and p.role == Role.admin:
        return
    if p.is_staff and p.role in (Role.worker, Role.secretary) and p.community_id == community_id:
        return
    if p.is_staff and p.role == Role.street_dispatcher and street_id == p.street_id:
        return
    raise Forbidden("outside your scope")


async def community_in_scope(p: Principal, community_id: int | None = None) -> Community:
    """The community (the caller's own when none is named): 404 when there is none and
    when it lies outside the caller's scope, so an outsider cannot tell which ids exist."""
    cid = community_id if community_id is not None else p.community_id
    c = await Community.filter(id=cid).first() if cid is not None else None
    if c is None:
        raise NotFound("community not found")
    try:
        ensure_community(p, c.id, c.street_id)
    except Forbidden:
        raise NotFound("community not found") from None
    return c
