"""Visit rules in plain Python: priority groups, cadence and due dates, phone checks and
masking, and how an offline edit meets the stored version."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import orjson


class Channel(StrEnum):
    door = "door"
    phone = "phone"
    video = "video"


class Outcome(StrEnum):
    met = "met"
    not_home = "not_home"
    refused = "refused"
    moved_away = "moved_away"


# Built-in priority groups (重点人群) every community has; communities add custom ones.
BUILTIN_GROUPS: dict[str, str] = {
    "living_alone": "独居老人",
    "aged": "高龄",
    "disabled": "残疾",
    "low_income": "低保",
    "bereaved": "失独",
    "watch": "重点关注",
}
AGED_GROUP = "aged"
AGED_FROM = 80
DEFAULT_CADENCES: dict[str, int] = {
    "living_alone": 7,
    "aged": 14,
    "disabled": 30,
    "low_income": 30,
    "bereaved": 14,
    "watch": 7,
}
DEFAULT_CADENCE_DAYS = 365
GROUP_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landline: optional area code (0 + 2-3 digits), 7-8 digit number, optional extension.
LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")


def normalise_phone(raw: str) -> str:
    """Strip spaces and a +86 prefix; the result still has to pass :func:`is_valid_phone`."""
    s = re.sub(r"[\s()]", "", raw or "")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    return s


def is_valid_phone(phone: str) -> bool:
    return bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))


def mask_phone(phone: str) -> str:
    """138****1234 for mobiles; other numbers keep their first 3 and last 4 characters."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "****" + phone[-4:]


def is_aged(birth_years: list[int | None], today: date) -> bool:
    return any(y is not None and today.year - y >= AGED_FROM for y in birth_years)


def effective_groups(manual: set[str], birth_years: list[int | None], today: date) -> list[str]:
    """The household's groups: those recorded by staff plus 高龄 derived from birth years."""
    groups = set(manual)
    if is_aged(birth_years, today):
        groups.add(AGED_GROUP)
    return sorted(groups)


@dataclass(frozen=True, slots=True)
class Policy:
    cadences: dict[str, int]
    default_days: int = DEFAULT_CADENCE_DAYS

    def cadence_for(self, groups: list[str]) -> int:
        """The strictest (shortest) cadence of the household's groups, else the default."""
        days = [self.cadences[g] for g in groups if g in self.cadences]
        return min([*days, self.default_days])


def next_due(last_met: date | None, registered: date, cadence_days: int) -> date:
    """Never visited: due from the day it was registered. Else last visit + cadence."""
    if last_met is None:
        return registered
    return last_met + timedelta(days=cadence_days)


# ---- offline sync -------------------------------------------------------------------

SYNC_FIELDS = (
    "household_id",
    "started_at",
    "ended_at",
    "channel",
    "outcome",
    "notes",
    "needs",
    "latitude",
    "longitude",
    "photos",
)


def content_of(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item.get(k) for k in SYNC_FIELDS}


def content_hash(content: dict[str, Any]) -> str:
    """A stable digest of what a client sent, so a re-sent item is recognised exactly."""
    raw = orjson.dumps(content, option=orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z)
    return hashlib.sha256(raw).hexdigest()


class SyncAction(StrEnum):
    create = "create"
    apply = "apply"  # an edit based on the current version
    replay = "replay"  # this exact edit was applied before: answer as then
    conflict = "conflict"
    unknown = "unknown"  # an edit of a visit the server never saw


def decide(
    *,
    exists: bool,
    current_version: int,
    base_version: int,
    item_hash: str,
    revisions: dict[int, str],
) -> tuple[SyncAction, int]:
    """What to do with one synced item, and the version the answer names.

    ``revisions`` maps each stored version to the digest of the content that made it.
    Base 0 means "new on the phone".
    """
    made = base_version + 1
    if revisions.get(made) == item_hash:
        return SyncAction.replay, made
    if not exists:
        if base_version == 0:
            return SyncAction.create, 1
        return SyncAction.unknown, 0
    if base_version == current_version:
        return SyncAction.apply, current_version + 1
    return SyncAction.conflict, current_version


_CHUNKS = re.compile(r"(\d+)")


@lru_cache(maxsize=65536)
def natural_key(s: str) -> tuple[Any, ...]:
    """Sort "2号楼" before "10号楼": digit runs compare as numbers. Remembered: a street's
    estate, building, unit and room names repeat on every due list."""
    return tuple(int(c) if c.isdigit() else c for c in _CHUNKS.split(s or ""))


def walking_key(estate: str, building: str, unit: str, floor: int, room: str) -> tuple[Any, ...]:
    """The order a worker walks a grid: estate, building, unit, floor, room."""
    return (natural_key(estate), natural_key(building), natural_key(unit), floor, natural_key(room))


def head_of(members: list[tuple[str, str, str]]) -> tuple[str | None, str]:
    """(name, phone) of whom to ask for: the 户主 if recorded, else the first member."""
    for name, phone, relation in members:
        if relation == "户主":
            return name, phone
    if members:
        return members[0][0], members[0][1]
    return None, ""
