"""Who sees a change of status on the live feed: everyone whose board shows the row."""

from __future__ import annotations

from server.domain.live import LIVE_TOPICS, Viewer, audience_of, sees

PAYLOAD = {"community_id": 1, "owner_id": 7, "department_ids": [3], "status": "accepted"}


def viewer(
    staff_id: int,
    role: str,
    community: int | None = None,
    street: int | None = None,
    department: int | None = None,
) -> Viewer:
    return Viewer(staff_id, role, community, street, department)


def test_status_changes_reach_the_boards_that_show_the_row() -> None:
    assert "report.status_changed" in LIVE_TOPICS
    a = audience_of("report.status_changed", PAYLOAD, street_id=9)
    assert sees(viewer(2, "worker", community=1), a)
    assert sees(viewer(3, "secretary", community=1), a)
    assert sees(viewer(4, "street_dispatcher", street=9), a)
    assert sees(viewer(5, "department_officer", department=3), a)
    assert sees(viewer(6, "admin"), a)


def test_status_changes_stay_inside_scope() -> None:
    a = audience_of("report.status_changed", PAYLOAD, street_id=9)
    assert not sees(viewer(2, "worker", community=2), a)
    assert not sees(viewer(4, "street_dispatcher", street=8), a)
    assert not sees(viewer(5, "department_officer", department=4), a)


def test_a_recall_tells_the_department_and_the_owner_only() -> None:
    a = audience_of("report.recalled", PAYLOAD, street_id=9)
    assert sees(viewer(5, "department_officer", department=3), a)
    assert sees(viewer(7, "worker", community=1), a)  # the owner
    assert not sees(viewer(2, "worker", community=1), a)
    assert not sees(viewer(5, "department_officer", department=4), a)


def test_a_withdrawal_tells_the_owner_the_secretary_and_the_departments() -> None:
    a = audience_of("report.withdrawn", PAYLOAD, street_id=9)
    assert sees(viewer(7, "worker", community=1), a)
    assert sees(viewer(3, "secretary", community=1), a)
    assert sees(viewer(5, "department_officer", department=3), a)
    assert not sees(viewer(2, "worker", community=1), a)
    assert not sees(viewer(3, "secretary", community=2), a)
