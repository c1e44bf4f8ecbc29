"""Who is calling: a staff member with a role and scope, or a resident."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.models.people import Role

SubjectType = Literal["staff", "resident"]


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

    @property
    def is_staff(self) -> bool:
        return self.subject_type == "staff"

    @property
    def is_resident(self) -> bool:
        return self.subject_type == "resident"

    @property
    def actor(self) -> tuple[str, int]:
        return self.subject_type, self.id
