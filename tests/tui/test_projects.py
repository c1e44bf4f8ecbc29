"""The projects desk against a real server: the board with what is next and what is
stuck, the secretary's approval, a project's steps and meetings, and a vote whose
counts follow the ballots and which the desk closes and publishes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from rich.console import Console

from tests.support.factories import PASSWORD, auth
from tests.support.governance import Block, make_block
from tests.tui.conftest import LiveServer
from tests.tui.pilot import settled, sign_in, until
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.project import ProjectScreen
from tui.screens.projects import ProjectsScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome


def shown(widget) -> str:  # type: ignore[no-untyped-def]
    console = Console(width=200, record=True)
    console.print(widget.content)
    return console.export_text()


async def propose_lift(http: httpx.AsyncClient, live_server: LiveServer, block: Block) -> int:
    """The block's first household proposes a lift for its building; the project's id."""
    body = {
        "kind": "lift",
        "title": "8号楼加装电梯",
        "building_id": block.building.id,
        "coordinator_household_id": block.households[0].id,
    }
    headers = auth(live_server.app, block.residents[0])
    r = await http.post("/api/v1/governance/projects", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_secretary_approves_follows_a_vote_and_closes_it(
    live_server: LiveServer, token_file: Path
) -> None:
    world = live_server.world
    block = await make_block(world, ["60", "60", "60"])
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        pid = await propose_lift(http, live_server, block)

        app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, world.staff["secretary"].username, PASSWORD)
            await until(pilot, lambda: app.me is not None, "signed in")
            await pilot.press("f9")
            await settled(pilot, ProjectsScreen)
            board = app.screen
            table = board.query_one("#projects-table")
            await until(pilot, lambda: table.row_count == 1, "project listed")  # type: ignore[attr-defined]
            await pilot.press("a")
            outcome = board.query_one(Outcome)
            await until(pilot, lambda: "approved" in str(outcome.render()), "approved")
            await until(pilot, lambda: board.items and board.items[0].status == "active", "active")  # type: ignore[attr-defined]

            closes = (datetime.now(UTC) + timedelta(days=3)).isoformat()
            r = await http.post(
                f"/api/v1/governance/projects/{pid}/votes",
                json={
                    "question": "是否同意加装电梯",
                    "decision_kind": "rebuild_common_parts",
                    "closes_at": closes,
                },
                headers=auth(live_server.app, world.staff["worker"]),
            )
            assert r.status_code == 201, r.text
            vid = r.json()["id"]
            await pilot.press("enter")
            await settled(pilot, ProjectScreen)
            screen = app.screen
            steps = screen.query_one("#project-steps")
            await until(pilot, lambda: steps.row_count == 8, "lift steps listed")  # type: ignore[attr-defined]
            votes = screen.query_one("#project-votes")
            await until(pilot, lambda: "参与 0/3 户" in shown(votes), "empty count")

            for who in block.residents[:2]:
                r = await http.put(
                    f"/api/v1/governance/votes/{vid}/ballot",
                    json={"choice": "agree"},
                    headers=auth(live_server.app, who),
                )
                assert r.status_code == 200, r.text
            screen._live()  # type: ignore[attr-defined]  # what the 5-second timer runs
            await until(pilot, lambda: "参与 2/3 户" in shown(votes), "count follows the ballots")
            assert "同意 2" in shown(votes)

            await pilot.press("c")
            outcome = screen.query_one(Outcome)
            await until(pilot, lambda: "closed and published" in str(outcome.render()), "closed")
            assert "passed" in str(outcome.render())
            await until(pilot, lambda: "已结束" in shown(votes), "shown closed")
            r = await http.put(
                f"/api/v1/governance/votes/{vid}/ballot",
                json={"choice": "agree"},
                headers=auth(live_server.app, block.residents[2]),
            )
            assert r.status_code == 409
            await pilot.press("escape")
            await settled(pilot, ProjectsScreen)


async def test_a_worker_sees_no_approve_and_an_officer_has_no_projects_desk(
    live_server: LiveServer, token_file: Path
) -> None:
    world = live_server.world
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, world.staff["officer"].username, PASSWORD)
        await until(pilot, lambda: app.me is not None, "signed in")
        assert "projects" not in [m.mode for m in app.allowed_modes()]
        await pilot.press("f9")
        await pilot.pause()
        assert not isinstance(app.screen, ProjectsScreen)


async def test_a_worker_is_not_offered_approve(live_server: LiveServer, token_file: Path) -> None:
    """Only the secretary or an admin may approve (the server says 403 to anyone else),
    so a worker's board neither shows the key nor sends anything when it is pressed."""
    world = live_server.world
    block = await make_block(world, ["60", "60", "60"])
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        pid = await propose_lift(http, live_server, block)
        headers = auth(live_server.app, block.residents[0])
        app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, world.staff["worker"].username, PASSWORD)
            await until(pilot, lambda: app.me is not None, "signed in")
            await pilot.press("f9")
            await settled(pilot, ProjectsScreen)
            table = app.screen.query_one("#projects-table")
            await until(pilot, lambda: table.row_count == 1, "project listed")  # type: ignore[attr-defined]
            footer = app.screen.query_one(KeyFooter)
            assert "Reload" in str([k.description for k in footer.query("FooterKey")])
            assert "Approve" not in str([k.description for k in footer.query("FooterKey")])
            await pilot.press("a")
            await pilot.pause()
        r = await http.get(f"/api/v1/governance/projects/{pid}", headers=headers)
        assert r.json()["status"] == "proposed"
