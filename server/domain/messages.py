"""What a resident is told about their report at each step, in the inbox and by push."""

from __future__ import annotations

from typing import Any

# Report statuses in a resident's words: a phrase of at most five Chinese characters.
STATUS_LABELS = {
    "new": "待受理",
    "submitted": "待受理",
    "accepted": "已受理",
    "dispatched": "已派单",
    "in_progress": "处理中",
    "handling": "处理中",
    "reported_back": "已反馈",
    "follow_up": "待回访",
    "resolved": "已办结",
    "closed": "已办结",
    "referred": "已转办",
    "merged": "已合并",
    "rejected": "不予受理",
    "cancelled": "已撤销",
    "withdrawn": "已撤回",
    "waiting": "待补充",
    "reopened": "重新处理",
}

# Moves whose own topic (report.accepted, .dispatched, .merged) already tells the
# resident: the report.status_changed event of the same move would say it twice.
TOLD_BY_OWN_TOPIC = frozenset({"claim", "accept", "dispatch", "merge"})

_NOTES = {
    "report.created": "我们已收到您的反映，将尽快受理。",
    "report.accepted": "工作人员已受理您的反映，负责到底。",
    "report.dispatched": "您的反映已转交职能部门处理。",
    "report.status_changed": "您反映的事项有新进展。",
    "report.commented": "工作人员回复了您的反映。",
    "report.merged": "您的反映与相同问题合并处理。",
}


# Self-governance notices (meetings, votes): the event carries its own words for the
# households invited, so the inbox says what the push says.
GOVERNANCE_TOPICS = frozenset({"meeting.called", "vote.opened", "vote.closed"})


def status_label(status: Any) -> str:
    return STATUS_LABELS.get(str(status or ""), "已更新")


def recipients(topic: str, payload: dict[str, Any]) -> list[int]:
    """Residents to tell: every follower of the report (the reporter and reporters of
    reports merged into it), but not about their own action, nor about internal notes,
    nor twice about one move."""
    known = topic in _NOTES or topic in GOVERNANCE_TOPICS
    if not known or payload.get("public") is False or payload.get("internal"):
        return []
    if topic == "report.status_changed" and payload.get("kind") in TOLD_BY_OWN_TOPIC:
        return []
    ids = payload.get("resident_ids")
    if not isinstance(ids, list):
        ids = [payload.get("resident_id")]
    me = payload.get("actor_id") if payload.get("actor_type") == "resident" else None
    return sorted({int(i) for i in ids if i is not None and i != me})


def resident_message(topic: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """Inbox title and body, or None when the event is not for the resident's eyes."""
    if topic in GOVERNANCE_TOPICS:
        return str(payload.get("title") or "社区自治")[:100], str(payload.get("body") or "")[:2000]
    note = _NOTES.get(topic)
    if note is None or payload.get("public") is False or payload.get("internal"):
        return None
    title = str(payload.get("title") or "您的反映")[:100]
    body = f"{note}当前状态：{status_label(payload.get('status'))}。"
    said = payload.get("note") or payload.get("comment") or payload.get("body")
    if said:
        body += f"\n{str(said)[:500]}"
    if isinstance(payload.get("guide_id"), int):  # a reply that links a 办事指南
        title_of = str(payload.get("guide_title", ""))[:100]
        body += f"\n办事指南：《{title_of}》 /guides/{payload['guide_id']}"
    return title, body
