"""Small messages that workers post back to the screens that started them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from schemas.auth import StaffMe
from tui.client import LinkState, LiveEvent


@dataclass
class SignedIn(Message):
    me: StaffMe


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
