"""Which screens exist, which key opens each, and who may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from tui.screens.login import LoginScreen


@dataclass(frozen=True, slots=True)
class WorkMode:
    key: str
    mode: str
    label: str
    screen: Callable[[], Screen[None]]
    roles: frozenset[str] | None = None  # None: every staff role


ROTA_ROLES = frozenset({"worker", "secretary", "admin"})
KPI_ROLES = frozenset({"secretary", "street_dispatcher", "admin"})


def _modes() -> list[WorkMode]:
    # Imported here so a screen module can import the registry without a cycle.
    from tui.screens.activity import ActivityScreen
    from tui.screens.board import BoardScreen
    from tui.screens.guides import GuidesScreen
    from tui.screens.kpi import KpiScreen
    from tui.screens.ops import OpsScreen
    from tui.screens.projects import ProjectsScreen
    from tui.screens.rota import RotaScreen
    from tui.screens.visits import VisitsScreen

    return [
        WorkMode("f2", "board", "Triage 工单", BoardScreen),
        WorkMode(
            "f3", "rota", "Rota 排班", RotaScreen, frozenset({"worker", "secretary", "admin"})
        ),
        WorkMode("f4", "visits", "Visits 走访", VisitsScreen, frozenset({"worker", "secretary"})),
        WorkMode("f5", "ops", "Notify 通知运维", OpsScreen, frozenset({"secretary", "admin"})),
        WorkMode("f6", "activity", "Activity 动态", ActivityScreen),
        WorkMode(
            "f7",
            "kpi",
            "KPI 考核",
            KpiScreen,
            frozenset({"secretary", "street_dispatcher", "admin"}),
        ),
        WorkMode("f8", "guides", "Guides 办事指南", GuidesScreen),
        WorkMode(
            "f9",
            "projects",
            "Projects 自治",
            ProjectsScreen,
            frozenset({"worker", "secretary", "street_dispatcher", "admin"}),
        ),
    ]


WORK_MODES: list[WorkMode] = _modes()
SCREENS: dict[str, Callable[[], Screen[None]]] = {m.mode: m.screen for m in WORK_MODES}


def help_sections(modes: set[str] | None = None) -> list[tuple[str, type[Screen[Any]]]]:
    """Each screen's own keys, in the order a person meets them; with ``modes``, only the
    desks among them (the ones this person may open) and no sign-in."""
    from tui.screens.confirm import Confirm
    from tui.screens.detail import DetailScreen
    from tui.screens.forms import Form
    from tui.screens.household import HouseholdScreen
    from tui.screens.photos import PhotoViewer
    from tui.screens.project import ProjectScreen
    from tui.screens.rota_forms import SwapsScreen

    sections: list[tuple[str, type[Screen[Any]]]] = []
    if modes is None:
        sections.append(("Sign-in 登录", LoginScreen))
    for m in WORK_MODES:
        if isinstance(m.screen, type) and (modes is None or m.mode in modes):
            sections.append((m.label, m.screen))
            if m.mode == "board":
                sections.append(("Report detail 工单详情", DetailScreen))
                sections.append(("Photos 照片", PhotoViewer))
            if m.mode == "rota":
                sections.append(("Swap requests 换班申请", SwapsScreen))
            if m.mode == "projects":
                sections.append(("Project 项目", ProjectScreen))
            if m.mode == "visits":
                sections.append(("Household 户档", HouseholdScreen))
    sections.append(("Forms 表单", Form))
    if modes is None or "projects" in modes:
        sections.append(("Confirm 确认", Confirm))  # only the project steps ask so far
    return sections
