"""Who is on duty: the seam between first-responder assignment and the rota.

Until a community has a published rota covering the moment asked about, every active
worker of the community counts as on duty.
"""

from __future__ import annotations

from datetime import datetime

from server.models.people import Role, Staff


async def on_duty_worker_ids(community_id: int, at: datetime) -> list[int]:
    ids = await Staff.filter(community_id=community_id, role=Role.worker, active=True).values_list(
        "id", flat=True
    )
    return sorted(int(i) for i in ids)  # type: ignore[call-overload]
