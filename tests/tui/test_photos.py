"""Photos in the report detail: fetched with the staff session, drawn in the terminal, and
plain words when there are none or one cannot be fetched."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from textual_image.widget import HalfcellImage

from schemas.reports import ReportStaff
from server.services.media import MediaStore
from tests.support.factories import PASSWORD
from tests.tui import canned
from tests.tui.conftest import LiveServer, png, report_with_photos
from tests.tui.pilot import open_from_board, sign_in, until
from tests.tui.test_triage import outcome_text, resident_report
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.board import BoardScreen
from tui.screens.detail import DetailScreen
from tui.screens.photos import PhotoViewer
from tui.widgets.photo import MAX_SIDE, decode
from tui.widgets.report_view import photo_links, report_photos

RED, BLUE = (200, 30, 30), (30, 60, 200)


def worker_app(live: LiveServer, token_file: Path) -> LinliApp:
    client = LinliClient(live.url, TokenStore(token_file))
    return LinliApp(client, live=False, images="halfcell")


@asynccontextmanager
async def on_detail(
    live: LiveServer, token_file: Path, report_id: int
) -> AsyncIterator[tuple[LinliApp, Pilot[None]]]:
    """A worker signed in, with the report's detail open."""
    app = worker_app(live, token_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, live.world.staff["worker"].username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await open_from_board(pilot, app, report_id, "1")
        yield app, pilot


def viewer(app: LinliApp) -> PhotoViewer:
    assert isinstance(app.screen, PhotoViewer), app.screen
    return app.screen


def drawn_colour(app: LinliApp) -> tuple[int, int, int] | None:
    """The centre pixel of the picture the viewer shows, or None when it shows none."""
    image = viewer(app).query_one("#photo-image", HalfcellImage)
    if not image.display or image.image is None:
        return None
    pic = image.image
    return pic.getpixel((pic.width // 2, pic.height // 2))  # type: ignore[no-any-return,union-attr]


def message(app: LinliApp) -> str:
    shown = viewer(app).query_one("#photo-message", Static)
    return str(shown.render()) if shown.display else ""


async def test_viewer_draws_each_photo_and_steps_between_them(
    live_server: LiveServer, token_file: Path
) -> None:
    made = await report_with_photos(live_server, "楼道墙面渗水发霉", [png(RED), png(BLUE)])
    async with on_detail(live_server, token_file, made["id"]) as (app, pilot):
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, PhotoViewer), "viewer open")
        await until(pilot, lambda: drawn_colour(app) == RED, "first photo drawn")
        image = viewer(app).query_one("#photo-image", HalfcellImage)
        assert image.region.width > 0 and image.region.height > 0  # on screen, not just loaded
        caption = str(viewer(app).query_one("#photo-caption", Static).render())
        assert "Photo 1/2" in caption and "resident" in caption

        await pilot.press("right")
        await until(pilot, lambda: drawn_colour(app) == BLUE, "second photo drawn")
        await pilot.press("right")  # wraps round to the first, kept from before
        assert drawn_colour(app) == RED
        await pilot.press("left")
        assert drawn_colour(app) == BLUE

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), "back to detail")


async def test_a_photo_that_cannot_be_fetched_says_so(
    live_server: LiveServer, token_file: Path
) -> None:
    made = await report_with_photos(live_server, "路灯不亮", [png(RED), png(BLUE)])
    # The second picture is gone from storage: the server answers 404 for it.
    MediaStore(live_server.settings.media_dir).path(made["photos"][1]).unlink()
    async with on_detail(live_server, token_file, made["id"]) as (app, pilot):
        await pilot.press("i")
        await until(pilot, lambda: drawn_colour(app) == RED, "first photo drawn")

        await pilot.press("right")
        await until(pilot, lambda: "could not be shown" in message(app), "failure shown")
        assert drawn_colour(app) is None  # the first picture is not left standing in its place
        assert "Photo 2 could not be shown: Not found" in message(app)
        assert isinstance(app.screen, PhotoViewer)  # still open: the others can be seen

        await pilot.press("left")
        assert drawn_colour(app) == RED and message(app) == ""


async def test_a_report_without_photos_says_so(live_server: LiveServer, token_file: Path) -> None:
    made = await resident_report(live_server, "电梯异响")
    async with on_detail(live_server, token_file, made["id"]) as (app, pilot):
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert "This report has no photos" in outcome_text(app)


def test_the_terminal_is_asked_about_pictures_before_the_app_starts() -> None:
    """textual-image must be imported with the app module, not when the first photo opens
    (by then Textual reads the terminal's input and would swallow the answer)."""
    code = "import sys, tui.app; print('textual_image.widget' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "True"


def test_photos_are_shrunk_on_decoding_and_non_pictures_refused() -> None:
    big = decode(png(RED, (4000, 3000)))
    assert max(big.size) == MAX_SIDE and big.size[0] / big.size[1] == 4000 / 3000
    assert decode(png(BLUE)).size == (64, 48)  # small ones are left as they are
    with pytest.raises(OSError):
        decode(b"<html>not a picture</html>")


def test_report_back_photos_follow_the_residents_in_links_and_viewer() -> None:
    data = canned.detail(1)
    data["legs"][0]["photos"] = ["c" * 64]
    r = ReportStaff.model_validate(data)
    assert [(p.sha[0], p.source) for p in report_photos(r)] == [
        ("a", "居民 resident"),
        ("b", "居民 resident"),
        ("c", "房办 反馈 report-back"),
    ]
    links = photo_links(r, canned.SERVER)
    assert links is not None
    assert links.plain == "照片 [1] [2] · 房办 反馈 report-back [3] (i: view here)"
    assert f"link {canned.SERVER}/api/v1/reports/1001/photos/{'c' * 64}" in str(links.spans[-2])
    data["photos"] = []
    only_legs = photo_links(ReportStaff.model_validate(data), canned.SERVER)
    assert only_legs is not None and only_legs.plain.startswith("照片 · 房办 反馈 report-back [1]")
