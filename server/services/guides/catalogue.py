"""Keeping the 办事指南: admins add and change guides; each write rebuilds that guide's
index terms in the same transaction, so search never sees a guide without its terms."""

from __future__ import annotations

import asyncio
from collections import Counter

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from schemas.guides import GuideIn, GuideLink, GuideOut
from server.auth.principal import Principal
from server.domain.errors import NotFound
from server.models.guides import Guide, GuideTerm
from server.services.audit import audit
from server.services.guides import terms as tk

# Field weights of the index: a word in the title or the keywords says more about what
# the guide is for than the same word in its list of materials.
WEIGHTS = {"title": 3, "keywords": 3, "summary": 2, "department": 1, "conditions": 1,
           "materials": 1, "steps": 1, "place_hours": 1, "fees": 1, "legal_basis": 1}  # fmt: skip


def index_terms(g: GuideIn | Guide) -> Counter[str]:
    return tk.weighted((getattr(g, name), w) for name, w in WEIGHTS.items())


def out(g: Guide) -> GuideOut:
    return GuideOut.model_validate(g, from_attributes=True)


async def _write_terms(conn: BaseDBAsyncClient, guide: Guide, counts: Counter[str]) -> None:
    await GuideTerm.filter(guide_id=guide.id).using_db(conn).delete()
    await GuideTerm.bulk_create(
        [GuideTerm(guide_id=guide.id, term=t, tf=n) for t, n in counts.items()], using_db=conn
    )


async def create(body: GuideIn, p: Principal | None) -> Guide:
    counts = await asyncio.to_thread(index_terms, body)
    async with in_transaction() as conn:
        guide = await Guide.create(**body.model_dump(), length=sum(counts.values()), using_db=conn)
        await _write_terms(conn, guide, counts)
        await audit(p, "guide.created", "guide", guide.id, {"title": body.title}, using_db=conn)
    return guide


async def update(guide_id: int, body: GuideIn, p: Principal) -> Guide:
    counts = await asyncio.to_thread(index_terms, body)
    async with in_transaction() as conn:
        guide = await Guide.select_for_update().using_db(conn).get_or_none(id=guide_id)
        if guide is None:
            raise NotFound("guide not found")
        guide.update_from_dict({**body.model_dump(), "length": sum(counts.values())})
        await guide.save(using_db=conn)
        await _write_terms(conn, guide, counts)
        await audit(p, "guide.changed", "guide", guide.id, {"title": body.title}, using_db=conn)
    return guide


async def delete(guide_id: int, p: Principal) -> None:
    async with in_transaction() as conn:
        guide = await Guide.filter(id=guide_id).using_db(conn).first()
        if guide is None:
            raise NotFound("guide not found")
        await guide.delete(using_db=conn)  # its terms go with it (CASCADE)
        await audit(p, "guide.deleted", "guide", guide_id, {"title": guide.title}, using_db=conn)


async def get(guide_id: int, p: Principal) -> Guide:
    """A guide; unpublished ones only to admins."""
    guide = await Guide.get_or_none(id=guide_id)
    if guide is None or (not guide.published and not _is_admin(p)):
        raise NotFound("guide not found")
    return guide


async def link(guide_id: int) -> GuideLink:
    """A published guide to attach to a reply."""
    guide = await Guide.get_or_none(id=guide_id, published=True)
    if guide is None:
        raise NotFound("guide not found", code="unknown_guide")
    return GuideLink(id=guide.id, title=guide.title)


def _is_admin(p: Principal) -> bool:
    return p.is_staff and p.role == "admin"
