"""A fixed street for screenshots: the same reports, rota, visits and relay state on every
run, served through httpx's mock transport so the real client code parses them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageDraw

from tui.app import LinliApp
from tui.client import LinliClient, StoredTokens, TokenStore

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Friday
SERVER = "http://linli.test"
ME = {
    "id": 11,
    "username": "wangfang",
    "display_name": "王芳",
    "role": "secretary",
    "community_id": 1,
    "street_id": 1,
    "department_id": None,
}
STAFF = [
    (11, "王芳", "secretary"),
    (12, "李明", "worker"),
    (13, "张伟", "worker"),
    (14, "陈静", "worker"),
    (15, "刘洋", "worker"),
]
TITLES = [
    ("elevator", "urgent", "submitted", None, 0.5, "3号楼电梯困人，老人被困电梯内"),
    ("leak", "high", "accepted", 12, -2, "602室楼上漏水，天花板渗水严重"),
    ("noise", "normal", "dispatched", 11, 5, "夜间广场舞噪音扰民"),
    ("illegal_build", "normal", "submitted", 13, 30, "楼顶违章搭建阳光房"),
    ("sanitation", "low", "in_progress", 14, 50, "垃圾箱房周边异味，需清理消毒"),
    ("parking", "normal", "resolved", 11, 70, "消防通道被私家车长期占用"),
    ("greening", "low", "reopened", 12, 3.5, "小区绿化带树木枯死需补种"),
    ("elderly", "high", "waiting", 15, 120, "独居老人助餐服务申请"),
]
CATEGORIES = {
    "elevator": "电梯",
    "leak": "房屋漏水",
    "noise": "噪音",
    "illegal_build": "违章搭建",
    "sanitation": "环境卫生",
    "parking": "停车",
    "greening": "绿化",
    "elderly": "为老服务",
}
DEPARTMENTS = ["城管", "房办", "绿化市容", "派出所", "市场监管", "交警", "消防", "物业"]


def iso(d: datetime) -> str:
    return d.isoformat()


def row(i: int) -> dict[str, Any]:
    cat, prio, status, owner, due_h, title = TITLES[i]
    return {
        "id": 1000 + i,
        "community_id": 1 if i % 3 else 2,
        "category": cat,
        "priority": prio,
        "status": status,
        "title": title,
        "owner_id": owner,
        "resident_id": 100 + i,
        "created_at": iso(NOW - timedelta(hours=3 + i * 7)),
        "due_at": iso(NOW + timedelta(hours=due_h)),
        "overdue": due_h < 0,
        "paused": status == "waiting",
        "escalation_level": 1 if due_h < 0 else 0,
    }


def detail(i: int) -> dict[str, Any]:
    r = row(i)
    created = NOW - timedelta(hours=30)
    timeline = [
        (created, "created", None, "submitted", "居民", None, True, "楼上漏水已经三天"),
        (created + timedelta(minutes=1), "assigned", None, None, "系统", None, False, ""),
        (created + timedelta(minutes=20), "accept", "submitted", "accepted", "李明", 12,
         True, "已受理，今天上门查看"),
        (created + timedelta(hours=2), "note", None, None, "李明", 12, False,
         "602业主不在家，已电话联系"),
        (created + timedelta(hours=3), "dispatch", "accepted", "dispatched", "李明", 12,
         True, "派房办、物业协同处置"),
    ]  # fmt: skip
    r.update(
        status="dispatched",
        description="602室楼上（702室）漏水，天花板大面积渗水，墙皮脱落，家中有老人，"
        "希望尽快处理。",
        photos=[PHOTO, MISSING_PHOTO],
        location={"lat": 31.2204, "lng": 121.4245, "address": "长宁区愚园路1088弄6号602"},
        hide_name=False,
        source="resident",
        owner_since=iso(created),
        accepted_at=iso(created + timedelta(minutes=20)),
        accept_due=None,
        respond_due=None,
        resolve_due=r["due_at"],
        resolved_at=None,
        closed_at=None,
        merged_into=None,
        reject_reason=None,
        rating=None,
        rating_comment=None,
        reopen_count=0,
        legs=[
            {
                "id": 7,
                "department_id": 2,
                "department_name": "房办",
                "status": "accepted",
                "instructions": "查明漏水原因",
                "due_at": iso(NOW + timedelta(hours=20)),
                "overdue": False,
                "officer_id": 31,
                "accepted_at": iso(created + timedelta(hours=4)),
                "reported_at": None,
                "result": None,
                "photos": [],
            }
        ],
        meetings=[],
        timeline=[
            {
                "id": n,
                "at": iso(at),
                "kind": kind,
                "from_status": fs,
                "to_status": ts,
                "note": note,
                "public": public,
                "actor": actor,
                "actor_id": aid,
            }
            for n, (at, kind, fs, ts, actor, aid, public, note) in enumerate(timeline, 1)
        ],
        allowed_moves=["dispatch", "merge", "reject", "resolve", "start", "wait"],
    )
    return r


PHOTO = "a" * 64  # served as a picture
MISSING_PHOTO = "b" * 64  # the server answers 404: gone from storage, or not this person's


def ceiling_photo() -> bytes:
    """A drawn stand-in for a resident's photo: a stained ceiling with a lamp, as PNG."""
    img = Image.new("RGB", (160, 120), (236, 232, 222))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 96, 159, 119), fill=(150, 120, 90))  # the wall's top edge
    d.ellipse((40, 20, 120, 70), fill=(196, 170, 120))  # the water stain
    d.ellipse((58, 30, 100, 58), fill=(160, 128, 80))
    d.rectangle((72, 0, 76, 40), fill=(60, 60, 60))  # the lamp's cord
    d.ellipse((60, 38, 88, 56), fill=(250, 220, 90))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def rota_grid() -> dict[str, Any]:
    monday = date(2026, 11, 23)
    days = [monday + timedelta(days=d) for d in range(14)]
    posts = [(1, "intake", "综合受理"), (2, "elderly", "为老服务"), (3, "aid", "社会救助")]
    shifts = [(1, "early", "早班", "08:00", "16:30"), (2, "late", "晚班", "11:30", "20:00")]
    cells = []
    n = 0
    for di, d in enumerate(days):
        for si, _ in enumerate(shifts):
            for pi, _ in enumerate(posts):
                if d.weekday() >= 5 and si == 1:
                    continue
                who = STAFF[(di + si * 2 + pi) % len(STAFF)]
                staff = [{"assignment_id": n, "staff_id": who[0], "name": who[1], "trainee": False}]
                if pi == 2 and di % 3 == 0:
                    t = STAFF[(di + 3) % len(STAFF)]
                    staff.append(
                        {"assignment_id": n + 500, "staff_id": t[0], "name": t[1], "trainee": True}
                    )
                cells.append({"day": d.isoformat(), "shift_id": si + 1, "post_id": pi + 1,
                              "staff": staff})  # fmt: skip
                n += 1
    summary = {
        "id": 5,
        "community_id": 1,
        "start_date": days[0].isoformat(),
        "end_date": days[-1].isoformat(),
        "status": "published",
        "created_at": iso(NOW - timedelta(days=10)),
        "published_at": iso(NOW - timedelta(days=9)),
        "solver_status": "optimal",
        "objective": 120,
        "bound": 118,
        "gap": 0.017,
        "solve_seconds": 3.4,
        "assignments": len(cells),
    }
    return {
        "rota": summary,
        "days": [d.isoformat() for d in days],
        "posts": [{"id": i, "code": c, "name": nm, "kind": "desk"} for i, c, nm in posts],
        "shifts": [
            {"id": i, "code": c, "name": nm, "start": s, "end": e} for i, c, nm, s, e in shifts
        ],
        "cells": cells,
        "explanation": {
            "missed": [
                {
                    "goal": "late_fairness",
                    "message": "晚班分配相差2次（目标≤1）",
                    "target": 1,
                    "actual": 2,
                    "penalty": 20,
                    "details": ["张伟 4次晚班, 陈静 2次"],
                }
            ],
            "conflicts": [],
            "stats": {"late_spread": 2, "weekend_spread": 1},
        },
    }


def due_list() -> dict[str, Any]:
    items = []
    rows = [
        ("康乐小区", "2号楼", "1", 1, "101", ["独居老人"], "周桂英", 3, "overdue"),
        ("康乐小区", "2号楼", "1", 3, "301", ["高龄"], "吴德明", 1, "overdue"),
        ("康乐小区", "2号楼", "2", 5, "502", ["残疾", "低保"], "郑小红", 0, "due"),
        ("康乐小区", "10号楼", "1", 2, "201", [], "孙建国", 0, "due"),
        ("康乐小区", "10号楼", "1", 6, "603", ["独居老人", "高龄"], "马秀兰", 0, "due"),
    ]
    for n, (estate, b, unit, floor, room, groups, head, late, status) in enumerate(rows):
        items.append(
            {
                "household_id": 500 + n,
                "estate": estate,
                "building": b,
                "unit": unit,
                "floor": floor,
                "room": room,
                "groups": groups,
                "head": head,
                "phone": "138****" + f"{1234 + n}",
                "cadence_days": 7 if "独居老人" in groups else 30,
                "next_due": (NOW.date() - timedelta(days=late) + timedelta(days=n)).isoformat(),
                "days_overdue": late,
                "status": status,
                "last_met_at": iso(NOW - timedelta(days=10 + n)) if n != 3 else None,
            }
        )
    return {"worker_id": 11, "today": NOW.date().isoformat(), "overdue": 2, "due": 3,
            "items": items}  # fmt: skip


def coverage() -> dict[str, Any]:
    def cov(key: str, name: str, n: int, within: int, over: int, never: int) -> dict[str, Any]:
        return {"key": key, "name": name, "households": n, "within_cadence": within,
                "overdue": over, "never_visited": never, "share": round(within / n, 4)}  # fmt: skip

    return {
        "as_of": NOW.date().isoformat(),
        "total": cov("c:1", "愚园居委", 320, 281, 27, 12),
        "communities": [cov("c:1", "愚园居委", 320, 281, 27, 12)],
        "grids": [
            cov("g:1", "一网格", 110, 104, 4, 2),
            cov("g:2", "二网格", 95, 80, 12, 3),
            cov("g:3", "三网格", 115, 97, 11, 7),
        ],
        "workers": [cov("w:12", "李明", 110, 104, 4, 2), cov("w:13", "张伟", 95, 80, 12, 3)],
        "groups": [
            cov("living_alone", "独居老人", 24, 22, 2, 0),
            cov("aged", "高龄", 41, 35, 5, 1),
        ],
        "trend": [
            {
                "week_start": (date(2026, 10, 5) + timedelta(weeks=w)).isoformat(),
                "visits": 40 + w * 3,
                "households_met": 35 + w * 2,
            }  # fmt: skip
            for w in range(8)
        ],
    }


def relay() -> dict[str, Any]:
    return {
        "outbox_unprocessed": 3,
        "outbox_oldest_at": iso(NOW - timedelta(seconds=40)),
        "channels": [
            {
                "channel": "wechat",
                "pending": 12,
                "due_now": 2,
                "retrying": 3,
                "in_flight": 1,
                "sent": 4821,
                "skipped": 96,
                "dead": 2,
                "oldest_pending_at": iso(NOW),
            },
            {
                "channel": "wecom",
                "pending": 0,
                "due_now": 0,
                "retrying": 0,
                "in_flight": 0,
                "sent": 310,
                "skipped": 0,
                "dead": 0,
                "oldest_pending_at": None,
            },
        ],  # fmt: skip
        "failures_last_hour": 5,
    }


def dead_letters() -> dict[str, Any]:
    def letter(i: int, topic: str, reason: str) -> dict[str, Any]:
        return {
            "id": 90 + i, "event_id": 400 + i, "topic": topic, "channel": "wechat",
            "community_id": 1, "recipient_type": "resident", "recipient_id": 200 + i,
            "template_id": "linli-report-progress", "status": "dead", "attempts": 5,
            "last_error": reason, "dead_reason": reason,
            "next_attempt_at": iso(NOW), "created_at": iso(NOW - timedelta(hours=i + 1)),
            "updated_at": iso(NOW - timedelta(minutes=i * 5)),
        }  # fmt: skip

    return {
        "items": [
            letter(1, "report.accepted", "47003 模板参数不准确: thing2 超过20个字符"),
            letter(2, "report.status_changed", "43101 用户拒绝接受消息"),
        ],
        "next_before_id": None,
    }


def routes() -> dict[tuple[str, str], Any]:
    return {
        ("GET", "/api/v1/auth/me"): {"kind": "staff", "staff": ME},
        ("GET", "/api/v1/communities"): [
            {
                "id": 1,
                "code": "yy",
                "name": "愚园居委",
                "street_id": 1,
                "time_zone": "Asia/Shanghai",
            },
            {
                "id": 2,
                "code": "hs",
                "name": "华山居委",
                "street_id": 1,
                "time_zone": "Asia/Shanghai",
            },
        ],  # fmt: skip
        ("GET", "/api/v1/departments"): [
            {"id": i, "code": f"d{i}", "name": n, "street_id": 1}
            for i, n in enumerate(DEPARTMENTS, 1)
        ],
        ("GET", "/api/v1/staff"): [
            {
                "id": i,
                "username": f"u{i}",
                "display_name": n,
                "role": r,
                "community_id": 1,
                "street_id": 1,
                "department_id": None,
                "active": True,
            }
            for i, n, r in STAFF
        ],  # fmt: skip
        ("GET", "/api/v1/reports/categories"): [
            {"code": c, "name": n, "urgent": c == "elevator", "default_priority": "normal"}
            for c, n in CATEGORIES.items()
        ],
        ("GET", "/api/v1/triage/queue"): {
            "items": [row(i) for i in range(len(TITLES))],
            "next_cursor": "c2",
            "counts": {"new": 2, "mine": 3, "overdue": 1, "department": 0, "all": 10214},
        },
        ("GET", "/api/v1/reports/1001"): detail(1),
        ("GET", f"/api/v1/reports/1001/photos/{PHOTO}"): ceiling_photo(),
        ("GET", "/api/v1/rota/communities/1/rotas"): {"items": [rota_grid()["rota"]]},
        ("GET", "/api/v1/rota/rotas/5"): rota_grid(),
        ("GET", "/api/v1/rota/communities/1/on-duty"): {
            "community_id": 1,
            "at": iso(NOW),
            "source": "rota",
            "worker_ids": [12, 13, 14],
            "posts": [
                {
                    "post_id": 1,
                    "code": "intake",
                    "name": "综合受理",
                    "kind": "desk",
                    "staff": [
                        {
                            "staff_id": 12,
                            "name": "李明",
                            "shift": "早班",
                            "until": iso(NOW + timedelta(hours=6)),
                            "trainee": False,
                        }
                    ],
                },
                {
                    "post_id": 2,
                    "code": "elderly",
                    "name": "为老服务",
                    "kind": "desk",
                    "staff": [
                        {
                            "staff_id": 13,
                            "name": "张伟",
                            "shift": "早班",
                            "until": iso(NOW + timedelta(hours=6)),
                            "trainee": False,
                        }
                    ],
                },
            ],  # fmt: skip
        },
        ("GET", "/api/v1/visits/due"): due_list(),
        ("GET", "/api/v1/visits/coverage"): coverage(),
        ("GET", "/api/v1/notify/queue"): relay(),
        ("GET", "/api/v1/notify/deliveries"): dead_letters(),
    }


def transport(
    seen: list[httpx.Request] | None = None, answers: dict[tuple[str, str], Any] | None = None
) -> httpx.MockTransport:
    """The canned server; ``answers`` replace or add routes (a callable answers per request)."""
    table = {**routes(), **(answers or {})}

    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        body = table.get((request.method, request.url.path))
        if callable(body):  # an answer that depends on the query
            body = body(request)
        if body is None:
            err = {"code": "not_found", "message": f"no route for {request.url.path}"}
            return httpx.Response(404, json={"error": err})
        if isinstance(body, bytes):
            return httpx.Response(200, content=body, headers={"content-type": "image/png"})
        return httpx.Response(200, content=json.dumps(body, ensure_ascii=False).encode())

    return httpx.MockTransport(handle)


def canned_app(
    tmp: Path,
    *,
    signed_in: bool = True,
    seen: list[httpx.Request] | None = None,
    answers: dict[tuple[str, str], Any] | None = None,
) -> LinliApp:
    """The terminal on the canned street; requests it makes are appended to ``seen``."""
    store = TokenStore(tmp / "tokens.json")
    if signed_in:
        store.save(SERVER, StoredTokens("access-token", "refresh-token"))
    client = LinliClient(SERVER, store, transport=transport(seen, answers))
    clock: Callable[[], datetime] = lambda: NOW  # noqa: E731
    # Half blocks draw the same in every terminal and in an SVG; sixel would not.
    return LinliApp(client, clock=clock, live=False, images="halfcell")
