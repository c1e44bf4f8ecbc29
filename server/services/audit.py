"""Writing the audit log: every action is recorded, attributable and reviewable."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.auth.principal import Principal
from server.context import client_ip_var, request_id_var
from server.models.records import AuditLog


async def audit(
    actor: Principal | tuple[str, int | None] | None,
    action: str,
    entity: str,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
    *,
    using_db: BaseDBAsyncClient | None = None,
) -> AuditLog:
    if isinstance(actor, Principal):
        actor_type, actor_id = actor.actor
    elif actor is None:
        actor_type, actor_id = "system", None
    else:
        actor_type, actor_id = actor
    return await AuditLog.create(
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        ip=client_ip_var.get(),
        request_id=request_id_var.get(),
        detail=detail or {},
        using_db=using_db,
    )
