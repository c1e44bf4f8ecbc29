"""Project kinds, the steps each kind needs, and what the board shows: the next step
and whether the project is stuck on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ProjectKind(StrEnum):
    lift = "lift"  # 加装电梯
    parking = "parking"  # 停车改造
    waste_point = "waste_point"  # 垃圾分类点
    corridor = "corridor"  # 楼道整治
    custom = "custom"


KIND_LABELS = {
    ProjectKind.lift: "加装电梯",
    ProjectKind.parking: "停车改造",
    ProjectKind.waste_point: "垃圾分类点",
    ProjectKind.corridor: "楼道整治",
    ProjectKind.custom: "自定义项目",
}


@dataclass(frozen=True, slots=True)
class StepTemplate:
    code: str
    name: str
    office: str  # where to go
    stamp: str  # what to bring back
    days: int  # how long the step usually takes; past it the project is stuck


_LIFT = (
    StepTemplate(
        "consent", "业主意见征询（表决同意）", "居委会 / 业主大会", "表决结果公示及居委会盖章", 60
    ),
    StepTemplate("agreement", "签订加装电梯协议及费用分摊", "居委会", "业主协议书（全体签字）", 30),
    StepTemplate("design", "委托设计并出具施工图", "具备资质的设计单位", "设计单位出图章", 45),
    StepTemplate(
        "planning", "规划审批（建设工程规划许可）", "区规划和自然资源局", "规划许可证章", 60
    ),
    StepTemplate("housing", "房管部门审核", "区房屋管理局", "房管局审核意见章", 30),
    StepTemplate("permit", "施工许可", "区建设和管理委员会", "施工许可证章", 30),
    StepTemplate("construction", "施工安装", "施工单位 / 街道城建办", "开工报告盖章", 120),
    StepTemplate(
        "acceptance",
        "竣工验收及特种设备登记",
        "区市场监管局 / 质监站",
        "验收合格证及使用登记章",
        45,
    ),
)
_PARKING = (
    StepTemplate("consent", "业主表决", "居委会 / 业主大会", "表决结果公示", 60),
    StepTemplate("plan", "停车改造方案", "物业 / 设计单位", "方案盖章", 30),
    StepTemplate("traffic", "交警部门意见", "区交警支队", "交警意见章", 30),
    StepTemplate("greening", "绿化调整审批", "区绿化市容局", "绿化许可章", 30),
    StepTemplate("works", "施工", "施工单位", "竣工单", 60),
    StepTemplate("acceptance", "验收", "街道城建办", "验收章", 20),
)
_WASTE = (
    StepTemplate("consult", "居民意见征询", "居委会", "征询结果公示", 30),
    StepTemplate("site", "选址确认", "街道市容所 / 绿化市容局", "选址确认章", 30),
    StepTemplate("build", "建设垃圾箱房", "施工单位", "竣工单", 45),
    StepTemplate("acceptance", "验收并启用", "街道市容所", "验收章", 15),
)
_CORRIDOR = (
    StepTemplate("survey", "楼道排查", "居委会 / 物业", "排查记录签字", 14),
    StepTemplate("notice", "整治告知", "居委会", "告知书张贴", 14),
    StepTemplate("cleanup", "清理堆物", "物业 / 消防", "清理记录", 30),
    StepTemplate("check", "消防复查", "派出所 / 消防", "复查意见章", 14),
)
_CUSTOM = (
    StepTemplate("consult", "居民意见征询", "居委会", "征询结果", 30),
    StepTemplate("carry_out", "实施", "项目小组", "实施记录", 60),
    StepTemplate("review", "总结验收", "居委会", "验收意见", 30),
)
TEMPLATES: dict[ProjectKind, tuple[StepTemplate, ...]] = {
    ProjectKind.lift: _LIFT,
    ProjectKind.parking: _PARKING,
    ProjectKind.waste_point: _WASTE,
    ProjectKind.corridor: _CORRIDOR,
    ProjectKind.custom: _CUSTOM,
}


@dataclass(frozen=True, slots=True)
class StepState:
    position: int
    days: int
    done_on: date | None


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    next_position: int | None  # None when every step is done
    waiting_since: date | None  # when the next step became the next one
    days_waiting: int
    stuck: bool


def progress(steps: Sequence[StepState], started_on: date | None, today: date) -> Progress:
    """The board's view of a project: the first step not done is next; it is stuck once it
    has waited longer than its usual time since the step before it was done (or since the
    project started). A project not started yet is never stuck."""
    ordered = sorted(steps, key=lambda s: s.position)
    done = [s for s in ordered if s.done_on is not None]
    nxt = next((s for s in ordered if s.done_on is None), None)
    if nxt is None or started_on is None:
        return Progress(len(done), len(ordered), nxt.position if nxt else None, None, 0, False)
    before = [s.done_on for s in done if s.position < nxt.position and s.done_on is not None]
    since = max([started_on, *before])
    waited = max(0, (today - since).days)
    return Progress(len(done), len(ordered), nxt.position, since, waited, waited > nxt.days)
