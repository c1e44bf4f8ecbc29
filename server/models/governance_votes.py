"""The governance app, continued: meetings with their decisions and action items, votes
with the electorate frozen when they open, ballots and every ballot ever cast."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.governance.thresholds import Choice, DecisionKind


class MeetingKind(StrEnum):
    council = "council"  # 议事会
    hearing = "hearing"  # 听证会
    coordination = "coordination"  # 协调会


class Meeting(Model):
    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "governance.Project", related_name="meetings", on_delete=fields.CASCADE
    )
    community_id = fields.IntField()
    kind = fields.CharEnumField(MeetingKind, max_length=16)
    title = fields.CharField(max_length=100)
    starts_at = fields.DatetimeField()
    place = fields.CharField(max_length=100)
    agenda = fields.JSONField(default=list)  # list of items
    departments = fields.JSONField(default=list)  # ids summoned (约请)
    minutes = fields.TextField(default="")
    decisions = fields.JSONField(default=list)
    called_by_type = fields.CharField(max_length=16)
    called_by_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    project_id: int

    class Meta:
        table = "gov_meeting"
        indexes = (("project_id", "starts_at"),)


class ActionItem(Model):
    id = fields.IntField(primary_key=True)
    meeting = fields.ForeignKeyField(
        "governance.Meeting", related_name="actions", on_delete=fields.CASCADE
    )
    text = fields.CharField(max_length=200)
    owner = fields.CharField(max_length=64)  # a person or an office, as the minutes say
    due_on = fields.DateField()
    done_on = fields.DateField(null=True)

    meeting_id: int

    class Meta:
        table = "gov_action_item"


class VoteStatus(StrEnum):
    open = "open"
    closed = "closed"


class Vote(Model):
    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "governance.Project", related_name="votes", on_delete=fields.CASCADE
    )
    community_id = fields.IntField()
    question = fields.CharField(max_length=200)
    decision_kind = fields.CharEnumField(DecisionKind, max_length=32)
    status = fields.CharEnumField(VoteStatus, max_length=8, default=VoteStatus.open)
    opened_by_id = fields.IntField()
    opened_at = fields.DatetimeField(auto_now_add=True)
    closes_at = fields.DatetimeField()  # announced; the vote closes when staff close it
    closed_by_id = fields.IntField(null=True)
    closed_at = fields.DatetimeField(null=True)
    result = fields.JSONField(null=True)  # the published tally, set on closing

    project_id: int

    class Meta:
        table = "gov_vote"


class Elector(Model):
    """A household of the electorate, with the floor area it had when the vote opened."""

    id = fields.IntField(primary_key=True)
    vote = fields.ForeignKeyField(
        "governance.Vote", related_name="electors", on_delete=fields.CASCADE
    )
    household = fields.ForeignKeyField(
        "core.Household", related_name="electorates", on_delete=fields.RESTRICT
    )
    area = fields.DecimalField(max_digits=9, decimal_places=2)

    vote_id: int
    household_id: int

    class Meta:
        table = "gov_elector"
        unique_together = (("vote", "household"),)


class Ballot(Model):
    """A household's current ballot: one per household, replaced until the vote closes."""

    id = fields.IntField(primary_key=True)
    vote = fields.ForeignKeyField(
        "governance.Vote", related_name="ballots", on_delete=fields.CASCADE
    )
    household = fields.ForeignKeyField(
        "core.Household", related_name="ballots", on_delete=fields.RESTRICT
    )
    choice = fields.CharEnumField(Choice, max_length=8)
    cast_by = fields.ForeignKeyField(
        "core.Resident", related_name="ballots", on_delete=fields.RESTRICT
    )
    cast_at = fields.DatetimeField()
    revision = fields.SmallIntField(default=1)

    vote_id: int
    household_id: int
    cast_by_id: int

    class Meta:
        table = "gov_ballot"
        unique_together = (("vote", "household"),)


class BallotRecord(Model):
    """Every ballot ever cast, changed ones included: the audit trail of the vote."""

    id = fields.BigIntField(primary_key=True)
    vote = fields.ForeignKeyField(
        "governance.Vote", related_name="records", on_delete=fields.CASCADE
    )
    household_id = fields.IntField()
    revision = fields.SmallIntField()
    choice = fields.CharEnumField(Choice, max_length=8)
    cast_by_id = fields.IntField()
    cast_at = fields.DatetimeField()

    vote_id: int

    class Meta:
        table = "gov_ballot_record"
        unique_together = (("vote", "household_id", "revision"),)
