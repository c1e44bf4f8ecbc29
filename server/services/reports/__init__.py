"""Resident reports and 首问 ownership: the use cases other features call.

``create_report`` (with an explicit ``owner_id`` for a worker who found the need on a
visit), moves through the lifecycle, dispatch legs, queues and the overdue scheduler.
"""

from server.services.reports.create import Created, create_report
from server.services.reports.dispatch import (
    NewLeg,
    accept_leg,
    dispatch,
    record_meeting,
    report_back,
)
from server.services.reports.interactions import comment, confirm, rate, reclassify
from server.services.reports.moves import merge, reassign, transition
from server.services.reports.queries import duplicates_of, mine, queue
from server.services.reports.withdraw import recall_leg, withdraw

__all__ = [
    "Created",
    "NewLeg",
    "accept_leg",
    "comment",
    "confirm",
    "create_report",
    "dispatch",
    "duplicates_of",
    "merge",
    "mine",
    "queue",
    "rate",
    "reassign",
    "recall_leg",
    "reclassify",
    "record_meeting",
    "report_back",
    "transition",
    "withdraw",
]
