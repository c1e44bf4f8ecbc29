"""Small messages that workers post back to the screens that started them."""

from __future__ import annotations

from dataclasses import dataclass

from PIL.Image import Image
from textual.message import Message

from schemas.auth import StaffMe
from schemas.directory import CommunityPublic, DepartmentPublic, StaffPublic
from schemas.reports import CategoryOut, ReportPage, ReportRow, ReportStaff, TabCounts
from tui.client import LinkState, LiveEvent


@dataclass
class SignedIn(Message):
    me: StaffMe


@dataclass
class SessionUnresumed(Message):
    """A stored session could not be picked up; ``text`` says why."""

    text: str


@dataclass
class SignInFailed(Message):
    text: str


@dataclass
class ServerDown(Message):
    text: str


@dataclass
class ServerUp(Message):
    pass


@dataclass
class LinkChanged(Message):
    state: LinkState
    detail: str


@dataclass
class LiveArrived(Message):
    event: LiveEvent


@dataclass
class ActionDone(Message):
    """An action finished; ``text`` says what happened or what went wrong, in plain words."""

    text: str
    ok: bool = True


@dataclass
class PageArrived(Message):
    page: ReportPage
    append: bool
    generation: int = 0  # which load asked for it; an older one is dropped


@dataclass
class RowChanged(Message):
    row: ReportRow
    created: bool
    counts: TabCounts | None


@dataclass
class NamesArrived(Message):
    """Whatever of the directory loaded; a part that failed is None."""

    communities: list[CommunityPublic] | None
    departments: list[DepartmentPublic] | None
    staff: list[StaffPublic] | None
    categories: list[CategoryOut] | None


@dataclass
class ReportArrived(Message):
    """A fresh copy of a report, with ``text`` saying what the last action did."""

    report: ReportStaff
    text: str = ""


@dataclass
class PhotoArrived(Message):
    """A photo fetched and decoded, ready to draw."""

    sha: str
    image: Image


@dataclass
class PhotoFailed(Message):
    """A photo that could not be fetched or read; ``text`` says why."""

    sha: str
    text: str
