"""Who is calling: a staff member with a role and scope, a resident, or an Open311 client
(identified by its API key). A token names only the subject and its sign-in (``session``,
the token family); role and scope come from the staff row (:mod:`server.services.standing`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.models.people import Role

SubjectType = Literal["staff", "resident", "open311"]


@dataclass(frozen=True, slots=True)
class Principal:
    subject_type: SubjectType
    id: int
    jti: str
    expires_at: int
    role: Role | None = None
    community_id: int | None = None
    street_id: int | None = None
    department_id: int | None = None
    session: str = ""

    @property
    def is_staff(self) -> bool:
        return self.subject_type == "staff"

    @property
    def is_resident(self) -> bool:
        return self.subject_type == "resident"

    @property
    def is_client(self) -> bool:
        """An Open311 client: ``id`` is its API key's id, ``community_id`` the key's own."""
        return self.subject_type == "open311"

    @property
    def actor(self) -> tuple[str, int]:
        return self.subject_type, self.id
