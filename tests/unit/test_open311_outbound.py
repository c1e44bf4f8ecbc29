"""Our reports as published GeoReport requests: statuses, notes, agency, privacy."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from server.domain.open311.outbound import RequestView, open_or_closed, redact, request_document

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
VIEW = RequestView(
    id=42, status="submitted", service_code="leak", service_name="房屋漏水",
    description="楼上漏水，请联系 13812345678", community_name="虹桥居委会", departments=(),
    note=None, merged_into=None, reject_reason=None, created_at=AT, updated_at=AT,
    expected_at=None, address="3号楼", address_id=None, lat=31.2, long=121.4, media_url=None,
)  # fmt: skip

SPEC_KEYS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "expected"),
    [("submitted", "open"), ("accepted", "open"), ("dispatched", "open"),
     ("in_progress", "open"), ("waiting", "open"), ("reopened", "open"),
     ("resolved", "closed"), ("closed", "closed"), ("rejected", "closed"),
     ("merged", "closed")],
)  # fmt: skip
def test_status_mapping(status: str, expected: str) -> None:
    assert open_or_closed(status) == expected


def test_document_has_the_spec_fields_in_order() -> None:
    doc = request_document(VIEW, "Asia/Shanghai")
    assert list(doc) == SPEC_KEYS
    assert doc["requested_datetime"] == "2026-11-20T10:00:00+08:00"
    assert doc["agency_responsible"] == "虹桥居委会"
    assert doc["description"] == "楼上漏水，请联系 138****5678"


def test_notes_and_agency_follow_the_lifecycle() -> None:
    dispatched = replace(VIEW, status="dispatched", departments=("城管", "房办"))
    doc = request_document(dispatched, "UTC")
    assert doc["agency_responsible"] == "虹桥居委会（城管、房办）"
    assert doc["status_notes"] == "已派至城管、房办处置。"
    merged = request_document(replace(VIEW, status="merged", merged_into=7), "UTC")
    assert merged["status"] == "closed" and "7" in merged["status_notes"]
    rejected = replace(VIEW, status="rejected", reject_reason="请向区房管局反映")
    assert "请向区房管局反映" in request_document(rejected, "UTC")["status_notes"]
    closed = replace(VIEW, status="closed", note="已修复，回访满意")
    assert request_document(closed, "UTC")["status_notes"] == "已办结：已修复，回访满意"


def test_redaction_of_identifying_numbers() -> None:
    assert redact("身份证 310101199001011234 电话 021-62345678 邮箱 wang@example.cn") == (
        "身份证 310101********1234 电话 021-******** 邮箱 ***@***"
    )
    assert redact("3号楼 402室") == "3号楼 402室"
    assert redact(None) is None
