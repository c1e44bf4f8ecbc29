"""Ticking a project's steps at the desk against a real server: the photo of the stamped
document goes up from a file on this computer, the step is ticked and shown done; bad
typing and unusable files are refused in the form before anything is sent; a tick is
taken back only after a yes; keys typed at once are not lost; and the keys show only
for those the server lets tick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from PIL import Image
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey
from textual_image.widget import HalfcellImage

from tests.support.factories import PASSWORD, auth
from tests.support.governance import make_block, open_lift_project
from tests.tui.conftest import LiveServer, png
from tests.tui.pilot import burst, settled, sign_in, type_text, until
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.confirm import Confirm
from tui.screens.help import HelpScreen
from tui.screens.photos import PhotoViewer
from tui.screens.project import ProjectScreen
from tui.screens.step_form import StepTickForm
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome

GREEN = (20, 160, 60)


class Recording(httpx.AsyncHTTPTransport):
    """The real network, with every request the terminal sends kept for the test."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return await super().handle_async_request(request)

    def writes(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.sent if r.method != "GET"]


@dataclass
class Desk:
    app: LinliApp
    pilot: Pilot[None]
    screen: ProjectScreen
    project: dict[str, Any]
    http: httpx.AsyncClient
    wire: Recording

    def step(self, position: int) -> dict[str, Any]:
        return next(s for s in self.project["steps"] if s["position"] == position)

    async def server_step(self, position: int) -> dict[str, Any]:
        r = await self.http.get(f"/api/v1/governance/projects/{self.project['id']}")
        assert r.status_code == 200, r.text
        return next(s for s in r.json()["steps"] if s["position"] == position)

    def outcome(self) -> str:
        return str(self.screen.query_one("#project-outcome", Outcome).render())

    def row(self, position: int) -> str:
        table = self.screen.query_one("#project-steps", DataTable)
        return " ".join(str(c) for c in table.get_row(str(self.step(position)["id"])))

    def footer(self) -> str:
        footer = self.app.screen.query_one(KeyFooter)
        return " ".join(f"{k.key_display} {k.description}" for k in footer.query(FooterKey))


@asynccontextmanager
async def project_desk(
    live: LiveServer, token_file: Path, who: str = "worker"
) -> AsyncIterator[Desk]:
    """An approved lift project, and ``who`` signed in with its steps on screen."""
    world = live.world
    block = await make_block(world, ["60", "60", "60"])
    wire = Recording()
    staff = world.staff[who]
    async with httpx.AsyncClient(
        base_url=live.url, headers=auth(live.app, world.staff["secretary"])
    ) as http:
        project = await open_lift_project(live.app, http, world, block)
        client = LinliClient(live.url, TokenStore(token_file), transport=wire)
        app = LinliApp(client, live=False, images="halfcell")
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot, staff.username, PASSWORD)
            await until(pilot, lambda: app.me is not None, "signed in")
            await pilot.press("f9")
            await until(pilot, lambda: app.screen.query("#projects-table"), "projects board")
            table = app.screen.query_one("#projects-table", DataTable)
            await until(pilot, lambda: table.row_count == 1, "project listed")
            await pilot.press("enter")
            await settled(pilot, ProjectScreen)
            screen = app.screen
            assert isinstance(screen, ProjectScreen)
            await until(pilot, lambda: screen.project is not None, "steps loaded")
            wire.sent.clear()  # the sign-in and loads: what follows is the test's
            yield Desk(app, pilot, screen, project, http, wire)


def today() -> str:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def form(desk: Desk) -> StepTickForm:
    screen = desk.app.screen
    assert isinstance(screen, StepTickForm), screen
    return screen


def form_says(desk: Desk) -> str:
    return str(form(desk).query_one(Outcome).render())


async def replace(pilot: Pilot[None], text: str) -> None:
    """Empty the focused field and type ``text`` into it."""
    await pilot.press("ctrl+a", "ctrl+k")  # home, then delete to the end of the line
    await type_text(pilot, text)


async def test_a_worker_ticks_a_step_with_a_photo_and_sees_it(
    live_server: LiveServer, token_file: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "规划许可 stamp.png"
    photo.write_bytes(png(GREEN))
    async with project_desk(live_server, token_file) as desk:
        pilot, screen = desk.pilot, desk.screen
        assert "Tick step 办结" in desk.footer()
        await pilot.press("down", "down", "down")  # step 4: 规划 approval
        step = desk.step(4)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(desk.app.screen, StepTickForm), "form open")
        f = form(desk)
        assert f.query_one("#done-on", Input).value == today()
        assert f.query_one("#office", Input).value == step["office"]
        assert desk.app.focused is f.query_one("#photo", Input)
        await type_text(pilot, f'"{photo}"')  # as a file manager drops it, in quotes
        await pilot.press("tab")  # to the note
        await type_text(pilot, "原件在居委会")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: desk.app.screen is screen, "form closed")
        await until(pilot, lambda: "ticked" in desk.outcome(), "outcome")
        assert f"Step 4 {step['name']} ticked: {today()} {step['office']}" in desk.outcome()

        done = await desk.server_step(4)
        assert done["done_on"] == today() and done["done_office"] == step["office"]
        assert done["note"] == "原件在居委会" and len(done["photo"]) == 64
        await until(pilot, lambda: today() in desk.row(4), "shown done")
        assert desk.wire.writes() == [
            "POST /api/v1/reports/photos",
            f"PUT /api/v1/governance/projects/{desk.project['id']}/steps/{step['id']}",
        ]

        await pilot.press("i")  # the stamped document, fetched back through the step
        await until(pilot, lambda: isinstance(desk.app.screen, PhotoViewer), "viewer")
        image = desk.app.screen.query_one("#photo-image", HalfcellImage)
        await until(pilot, lambda: image.display and image.image is not None, "drawn")
        pic = image.image
        assert pic.getpixel((pic.width // 2, pic.height // 2)) == GREEN  # type: ignore[union-attr]
        await pilot.press("escape")
        await until(pilot, lambda: desk.app.screen is screen, "viewer closed")


async def test_bad_typing_and_unusable_files_are_refused_before_anything_is_sent(
    live_server: LiveServer, token_file: Path, tmp_path: Path
) -> None:
    text_file = tmp_path / "notes.png"
    text_file.write_text("not a picture")
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + bytes(5 * 1024 * 1024))
    async with project_desk(live_server, token_file) as desk:
        pilot = desk.pilot
        await pilot.press("t")
        await until(pilot, lambda: isinstance(desk.app.screen, StepTickForm), "form open")
        f = form(desk)
        f.query_one("#done-on", Input).focus()
        await replace(pilot, "2026-13-40")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "must look like" in form_says(desk), "date refused")
        assert "YYYY-MM-DD" in form_says(desk)

        await replace(pilot, "2999-01-01")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "after today" in form_says(desk), "future refused")

        await replace(pilot, today())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "path of the stamped document" in form_says(desk), "no path")

        f.query_one("#photo", Input).focus()
        for path, words in (
            (tmp_path / "missing.png", "No such file"),
            (tmp_path, "Not a file"),
            (text_file, "not a JPEG, PNG or WebP"),
            (huge, "at most 5 MB"),
        ):
            await replace(pilot, str(path))
            await pilot.press("ctrl+s")
            await until(pilot, lambda w=words: w in form_says(desk), words)  # type: ignore[misc]
            assert isinstance(desk.app.screen, StepTickForm)
        assert f.query_one("#photo", Input).value == str(huge)  # what was typed stays
        assert f.query_one("#done-on", Input).value == today()
        assert desk.wire.writes() == []

        # The server's own refusal (too many pixels for it) also leaves the form as it was.
        big = tmp_path / "big.png"
        Image.new("1", (5000, 4000)).save(big)
        await replace(pilot, str(big))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "megapixels" in form_says(desk), "server refused")
        assert isinstance(desk.app.screen, StepTickForm)
        assert f.query_one("#photo", Input).value == str(big)
        assert desk.wire.writes() == ["POST /api/v1/reports/photos"]
        assert (await desk.server_step(1))["done_on"] is None

        await pilot.press("escape")
        await until(pilot, lambda: desk.app.screen is desk.screen, "form closed")


async def tick_over_http(desk: Desk, live: LiveServer, position: int) -> None:
    """The worker ticked it earlier, from the terminal or the API."""
    worker = auth(live.app, live.world.staff["worker"])
    r = await desk.http.post(
        "/api/v1/reports/photos", files={"file": ("p.png", png(GREEN), "image/png")}, headers=worker
    )
    assert r.status_code == 201, r.text
    step = desk.step(position)
    body = {"done_on": today(), "office": "区规划资源局", "photo": r.json()["id"]}
    r = await desk.http.put(
        f"/api/v1/governance/projects/{desk.project['id']}/steps/{step['id']}",
        json=body,
        headers=worker,
    )
    assert r.status_code == 200, r.text


async def test_untick_only_after_a_yes(live_server: LiveServer, token_file: Path) -> None:
    async with project_desk(live_server, token_file) as desk:
        pilot, screen = desk.pilot, desk.screen
        await pilot.press("u")
        await until(pilot, lambda: "not done" in desk.outcome(), "nothing to untick")
        assert not isinstance(desk.app.screen, Confirm)

        await tick_over_http(desk, live_server, 1)
        await pilot.press("r")
        await until(pilot, lambda: "区规划资源局" in desk.row(1), "shown done")
        await pilot.press("u")
        await until(pilot, lambda: isinstance(desk.app.screen, Confirm), "asked")
        await pilot.press("enter")  # the habit key keeps it
        await until(pilot, lambda: desk.app.screen is screen, "confirm closed")
        assert (await desk.server_step(1))["done_on"] == today()

        await pilot.press("u")
        await until(pilot, lambda: isinstance(desk.app.screen, Confirm), "asked again")
        await pilot.press("y")
        await until(pilot, lambda: "unticked" in desk.outcome(), "outcome")
        assert (await desk.server_step(1))["done_on"] is None
        await until(pilot, lambda: "区规划资源局" not in desk.row(1), "shown not done")


async def test_keys_typed_at_once_tick_correct_and_untick(
    live_server: LiveServer, token_file: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "stamp.png"
    photo.write_bytes(png(GREEN))
    async with project_desk(live_server, token_file) as desk:
        pilot, screen, app = desk.pilot, desk.screen, desk.app
        burst(app, ["down", "t", str(photo), "ctrl+s"])
        await until(pilot, lambda: "Step 2" in desk.outcome(), "ticked")
        assert (await desk.server_step(2))["done_on"] == today()
        assert (await desk.server_step(1))["done_on"] is None

        # A correction by the one who ticked it keeps the photo when none is given; the
        # note typed right behind the Tab lands in the note, not in the photo's path.
        first = await desk.server_step(2)
        burst(app, ["t", "tab", "原件已归档", "ctrl+s"])
        await until(pilot, lambda: "corrected" in desk.outcome(), "corrected")
        again = await desk.server_step(2)
        assert again["note"] == "原件已归档" and again["photo"] == first["photo"]
        assert desk.wire.writes().count("POST /api/v1/reports/photos") == 1

        await until(pilot, lambda: app.screen is screen and today() in desk.row(2), "shown")
        burst(app, ["u", "y"])
        await until(pilot, lambda: "unticked" in desk.outcome(), "unticked")
        assert (await desk.server_step(2))["done_on"] is None


async def test_only_those_the_server_lets_tick_see_the_keys(
    live_server: LiveServer, token_file: Path
) -> None:
    async with project_desk(live_server, token_file, who="dispatcher") as desk:
        # The street's dispatcher sees the project but is not one of its helpers.
        assert "Tick" not in desk.footer() and "Untick" not in desk.footer()
        await desk.pilot.press("t")
        await desk.pilot.pause()
        assert desk.app.screen is desk.screen

        r = await desk.http.post(
            f"/api/v1/governance/projects/{desk.project['id']}/helpers",
            json={"staff_id": live_server.world.staff["dispatcher"].id},
        )
        assert r.status_code == 200, r.text
        await desk.pilot.press("r")
        await until(desk.pilot, lambda: "Tick step" in desk.footer(), "a helper may tick")
        assert desk.screen.check_action("close_vote", ()) is False

        await desk.pilot.press("question_mark")
        await until(desk.pilot, lambda: isinstance(desk.app.screen, HelpScreen), "help")
        text = str(desk.app.screen.query_one("#help-body").query_one("Static").render())
        assert "Tick step 办结" in text and "Untick 撤销" in text and "Yes 确定" in text
        # A helper from the street is not one of the community's staff: no vote to close.
        assert "Close vote" not in text
