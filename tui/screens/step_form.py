"""Ticking a project's step at the desk: the day it was done, the office that stamped, a
photo of the stamped document from this computer, a note. The form uploads the photo and
ticks the step itself, so a refusal leaves it open with everything typed still there."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Label

from schemas.governance import StepOut, StepTick
from schemas.reports import PHOTO_FORMATS, PHOTO_MAX_BYTES
from tui.client import ApiError
from tui.client.governance import GovernanceCalls
from tui.screens.base import failure_text
from tui.screens.forms import Form, plain_validation
from tui.widgets.outcome import Outcome

if TYPE_CHECKING:
    from tui.app import LinliApp

MB = 1024 * 1024
# StepTick's bounds, checked here too so that nothing is sent (not even the photo) when
# the typing is wrong.
OFFICE_MAX, NOTE_MAX = 100, 500


@dataclass(frozen=True)
class LocalPhoto:
    name: str
    data: bytes
    mime: str


def photo_path(typed: str) -> Path:
    """The path as typed, or as a file manager drops it into the terminal (in quotes)."""
    text = typed.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return Path(text).expanduser()


def read_photo(path: Path) -> LocalPhoto:
    """The file, if the server would take it; ValueError says why not. It reads the disk:
    call it from a thread, never on the event loop."""
    if not path.exists():
        raise ValueError(f"No such file: {path} 文件不存在")
    if not path.is_file():
        raise ValueError(f"Not a file: {path} 不是文件")
    try:
        size = path.stat().st_size
        if size > PHOTO_MAX_BYTES:
            raise ValueError(
                f"{path.name} is {size / MB:.1f} MB; the server takes photos of at most "
                f"{PHOTO_MAX_BYTES // MB} MB 照片过大"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if not data:
        raise ValueError(f"{path.name} is empty 文件为空")
    try:
        # Opening reads the header only: the format, as the server will judge it.
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        fmt = ""
    if fmt not in PHOTO_FORMATS:
        raise ValueError(f"{path.name} is not a JPEG, PNG or WebP picture 须为照片")
    return LocalPhoto(path.name, data, PHOTO_FORMATS[fmt])


@dataclass(frozen=True)
class StepDraft:
    done_on: date
    office: str
    path: Path | None  # None: keep the photo the step already has
    note: str


@dataclass
class TickRefused(Message):
    text: str


@dataclass
class StepTicked(Message):
    step: StepOut


class StepTickForm(Form[StepOut]):
    """A step not yet done is ticked; a done one is ticked again to correct it (the server
    keeps both in its audit log). Answers the step as the server stored it."""

    def __init__(
        self, calls: GovernanceCalls, project_id: int, step: StepOut, today: date, *, mine: bool
    ) -> None:
        super().__init__()
        self.calls = calls
        self.project_id = project_id
        self.step = step
        self.today = today
        # Only the photos one uploaded oneself may be named in a tick: a correction by
        # whoever ticked the step may keep its photo, anyone else brings it again.
        self.may_keep_photo = mine and bool(step.photo)
        self.sending = False
        self.started = False
        verb = "Correct step" if step.done_on else "Tick step"
        done = "更正" if step.done_on else "办结"
        self.TITLE_TEXT = f"{verb} {step.position} {step.name} {done}"

    def fields(self) -> ComposeResult:
        s = self.step
        yield Label(f"{s.office} · stamp 盖章: {s.stamp}", classes="form-hint")
        if s.done_on is not None:
            done = f"{s.done_on:%Y-%m-%d} {s.done_office}"
            yield Label(f"Ticked {done}; submitting replaces it", classes="form-hint")
        yield Label("Date done 办结日期 (YYYY-MM-DD)", classes="form-hint")
        yield Input((s.done_on or self.today).isoformat(), id="done-on")
        yield Label("Office that stamped 盖章部门", classes="form-hint")
        yield Input(s.done_office or s.office, id="office")
        keep = "; empty keeps the current one" if self.may_keep_photo else ""
        yield Label(f"Photo of the stamped document 盖章文件照片{keep}", classes="form-hint")
        yield Input(placeholder="path on this computer, e.g. ~/Pictures/规划许可.jpg", id="photo")
        yield Label("Note 备注 (optional)", classes="form-hint")
        yield Input(s.note if s.done_on else "", id="note")

    def on_mount(self) -> None:
        # The date and office come filled in: the photo is what is left to give. Focused
        # at once (focus() would wait its turn behind keys already typed into the form).
        self.set_focus(self.query_one("#photo", Input))

    def _value(self, wid: str) -> str:
        return self.query_one(wid, Input).value.strip()

    def draft(self) -> StepDraft:
        raw = self._value("#done-on")
        try:
            done_on = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                f"The date must look like {self.today.isoformat()} (YYYY-MM-DD), not {raw!r}"
            ) from None
        if done_on > self.today:
            raise ValueError(f"{done_on} is after today ({self.today}); give the day it was done")
        office = self._value("#office")
        if not office:
            raise ValueError("Say which office stamped it 请填写盖章部门")
        if len(office) > OFFICE_MAX:
            raise ValueError(f"The office is {len(office)} characters; at most {OFFICE_MAX}")
        typed = self._value("#photo")
        if not typed and not self.may_keep_photo:
            raise ValueError("Give the path of the stamped document's photo 请填写照片路径")
        note = self._value("#note")
        if len(note) > NOTE_MAX:
            raise ValueError(f"The note is {len(note)} characters; at most {NOTE_MAX}")
        return StepDraft(done_on, office, photo_path(typed) if typed else None, note)

    def submit(self) -> None:
        if self.sending:
            return  # one tick at a time; the answer to the first is on its way
        draft = self.checked(self.draft)
        if draft is None:
            return
        self.sending = self.started = True
        outcome = self.query_one(Outcome)
        outcome.clear()
        outcome.update("Sending the photo and the tick… 提交中")
        self.send(draft)

    @work(exclusive=True, group="step-tick")
    async def send(self, d: StepDraft) -> None:
        try:
            photo = self.step.photo
            if d.path is not None:
                local = await asyncio.to_thread(read_photo, d.path)
                uploaded = await self.calls.upload_photo(local.name, local.data, local.mime)
                photo = uploaded.id
            body = StepTick(done_on=d.done_on, office=d.office, photo=photo, note=d.note)
            step = await self.calls.tick_step(self.project_id, self.step.id, body)
        except ApiError as exc:
            self.post_message(TickRefused(failure_text(cast("LinliApp", self.app), exc)))
            return
        except ValidationError as exc:
            self.post_message(TickRefused(plain_validation(exc)))
            return
        except ValueError as exc:
            self.post_message(TickRefused(str(exc)))
            return
        self.post_message(StepTicked(step))

    def on_tick_refused(self, msg: TickRefused) -> None:
        self.sending = False
        self.query_one(Outcome).say(msg.text, ok=False)

    def on_step_ticked(self, msg: StepTicked) -> None:
        self.dismiss(msg.step)
