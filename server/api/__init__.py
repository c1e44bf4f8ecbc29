"""HTTP entry points: one blueprint per resource, grouped under /api/v1."""

from __future__ import annotations

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from server.api import (
    auth,
    directory,
    governance,
    governance_votes,
    guides,
    health,
    households,
    kpi,
    live,
    notify,
    open311,
    open311_keys,
    open311_submissions,
    openapi,
    reports,
    responsibility,
    rota,
    triage,
    visits,
)


def api_group() -> BlueprintGroup:
    # Each resource module exposes ``bp``. Add new resources here, one per line.
    return Blueprint.group(
        auth.bp,
        directory.bp,
        reports.bp,
        triage.bp,
        rota.bp,
        households.bp,
        visits.bp,
        open311_keys.bp,
        open311_submissions.bp,
        live.bp,
        notify.bp,
        governance.bp,
        governance_votes.bp,
        guides.bp,
        responsibility.bp,
        kpi.bp,
        version=1,
        version_prefix="/api/v",
    )


def root_blueprints() -> list[Blueprint]:
    """Blueprints outside /api/v1 (health probes, other protocols)."""
    return [health.bp, openapi.bp, open311.bp]
