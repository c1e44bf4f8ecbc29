"""Drafting every community's rota of a street at once: one solver process each, side by
side, so a street of twenty communities takes about as long as its slowest few."""

from __future__ import annotations

from schemas.rota_plan import Explanation, GenerateRequest, StreetDraft, StreetDraftItem
from server.auth.principal import Principal
from server.auth.scope import ensure_community
from server.domain.errors import Forbidden, NotFound
from server.models.geo import Community, Street
from server.models.people import Role
from server.rota.pool import solve_many
from server.services.rota.lifecycle import explanation_of, save_draft
from server.services.rota.problem import load_problem


async def generate_street(p: Principal, street_id: int, req: GenerateRequest) -> StreetDraft:
    street = await Street.filter(id=street_id).first()
    if street is None:
        raise NotFound("street not found")
    if p.role not in (Role.street_dispatcher, Role.admin):
        raise Forbidden("drafting a whole street is for the street office")
    if p.role == Role.street_dispatcher and p.street_id != street.id:
        raise NotFound("street not found")  # another street's id looks like a missing one
    communities = await Community.filter(street_id=street.id).order_by("id")
    loaded = []
    skipped: list[StreetDraftItem] = []
    for c in communities:
        ensure_community(p, c.id, c.street_id)
        one = await load_problem(c, req.start_date, req.weeks * 7, time_limit=req.time_limit)
        if one.problem.posts and one.problem.shifts and one.problem.staff:
            loaded.append(one)
        else:
            skipped.append(
                StreetDraftItem(
                    community_id=c.id,
                    community_name=c.name,
                    status="not_set_up",
                    rota=None,
                    explanation=Explanation(),
                )
            )
    solutions = await solve_many([x.problem for x in loaded])
    items: list[StreetDraftItem] = []
    for one, sol in zip(loaded, solutions, strict=True):
        rota = await save_draft(p, one, sol) if sol.ok else None
        items.append(
            StreetDraftItem(
                community_id=one.community.id,
                community_name=one.community.name,
                status=sol.status,
                rota=rota,
                explanation=Explanation.model_validate(explanation_of(sol)),
            )
        )
    return StreetDraft(street_id=street.id, items=items + skipped)
