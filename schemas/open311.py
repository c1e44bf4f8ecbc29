"""Open311: API keys as the admin sees them (the secret only in the answer that issues it)
and the GeoReport v2 documents as JSON Schema."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import Strict


class ApiKeyCreate(Strict):
    name: str = Field(min_length=1, max_length=80, description="who the client is")
    community_id: int | None = Field(
        default=None,
        description="the one community the client may file for; null: any community",
    )
    rate_per_minute: int = Field(default=60, ge=1, le=6000)


class ApiKeyPublic(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the key's first characters, to tell keys apart")
    community_id: int | None
    rate_per_minute: int
    created_by_id: int
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyIssued(ApiKeyPublic):
    key: str = Field(description="the secret: shown this once, store it now")


# GeoReport v2 documents, for the OpenAPI description of /open311/v2. The wire format is
# written by server.domain.open311; these models say the same in JSON Schema.


class GeoReportService(BaseModel):
    service_code: str
    service_name: str
    description: str | None
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str | None
    group: str | None


class GeoReportAttributeValue(BaseModel):
    key: str
    name: str


class GeoReportAttribute(BaseModel):
    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[GeoReportAttributeValue]


class GeoReportServiceDefinition(BaseModel):
    service_code: str
    attributes: list[GeoReportAttribute]


class GeoReportRequest(BaseModel):
    service_request_id: int
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime | None
    expected_datetime: datetime | None
    address: str | None
    address_id: int | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class GeoReportCreated(BaseModel):
    service_request_id: int
    token: str
    service_notice: str | None
    account_id: None = Field(description="never echoed: the submitter's identity stays here")


class GeoReportToken(BaseModel):
    service_request_id: int | None
    token: str


class GeoReportEndpoint(BaseModel):
    specification: str
    url: str
    changeset: datetime
    type: Literal["production", "test"]
    formats: list[str]


class GeoReportDiscovery(BaseModel):
    changeset: datetime
    contact: str
    key_service: str
    endpoints: list[GeoReportEndpoint]


class GeoReportError(BaseModel):
    code: int
    description: str


class GeoReportRequestForm(BaseModel):
    """POST requests, form-encoded. Also ``attribute[code]`` (``attribute[code][]`` for a
    multivaluelist) for each question of the service definition."""

    api_key: str
    service_code: str
    jurisdiction_id: str | None = Field(default=None, description="a community code")
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    address_string: str | None = Field(default=None, max_length=200)
    address_id: int | None = Field(default=None, description="a building id")
    description: str | None = Field(default=None, max_length=4000)
    media_url: str | None = Field(default=None, max_length=1000)
    first_name: str | None = Field(default=None, max_length=50)
    last_name: str | None = Field(default=None, max_length=50)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    device_id: str | None = Field(default=None, max_length=200)
    account_id: str | None = Field(default=None, max_length=200)


class GeoReportRequestsQuery(BaseModel):
    """GET requests. With service_request_id the other filters do not apply."""

    service_request_id: str | None = Field(default=None, description="comma-separated ids")
    service_code: str | None = Field(default=None, description="comma-separated codes")
    start_date: datetime | None = None
    end_date: datetime | None = Field(default=None, description="at most 90 days after start")
    status: str | None = Field(default=None, description="open, closed, or both comma-separated")
    jurisdiction_id: str | None = Field(default=None, description="a community code")


class SubmitterContact(BaseModel):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    device_id: str | None = None
    account_id: str | None = None


class Open311Submission(BaseModel):
    """What an Open311 client sent with a report, for the staff who handle it: the
    submitter's contact for the follow-up (回访) is here and nowhere public."""

    report_id: int
    api_key_id: int
    client: str = Field(description="the name the API key was issued under")
    token: str
    media_url: str | None
    address_id: int | None
    attributes: dict[str, list[str]]
    contact: SubmitterContact
    created_at: datetime
