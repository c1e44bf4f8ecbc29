"""A vote's tally as stored when it is published and as the API shows it: every figure
with its exact parts, the ratio as a fraction and the rule it was held to."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from schemas.governance_votes import BallotOut, FigureOut, TallyOut, VoteOut
from server.domain.governance.thresholds import Tally
from server.models.governance_votes import Ballot, Vote, VoteStatus


def _exact(f: Fraction) -> str:
    """A sum of areas or a count as a plain decimal (its denominator is a power of ten)."""
    if f.denominator == 1:
        return str(f.numerator)
    return str(Decimal(f.numerator) / Decimal(f.denominator))


def tally_json(t: Tally) -> dict[str, Any]:
    return {
        "households": t.households,
        "area": str(t.area),
        "participants": t.participants,
        "participant_area": str(t.participant_area),
        "agree": t.agree,
        "agree_area": str(t.agree_area),
        "disagree": t.disagree,
        "abstain": t.abstain,
        "figures": [
            {
                "name": f.name,
                "part": _exact(f.part),
                "whole": _exact(f.whole),
                "ratio": None if f.ratio is None else str(f.ratio),
                "threshold": str(f.threshold),
                "rule": ">" if f.strict else ">=",
                "met": f.met,
            }
            for f in t.figures
        ],
        "quorate": t.quorate,
        "passed": t.passed,
    }


async def vote_out(vote: Vote, live: Tally | None, ballots: list[Ballot]) -> VoteOut:
    if vote.status == VoteStatus.closed and vote.result is not None:
        shown: TallyOut | None = TallyOut(
            **{**vote.result, "figures": [FigureOut(**f) for f in vote.result["figures"]]}
        )
    else:
        shown = TallyOut(**tally_json(live)) if live is not None else None
    return VoteOut(
        id=vote.id,
        project_id=vote.project_id,
        question=vote.question,
        decision_kind=vote.decision_kind.value,
        status=vote.status.value,
        opened_at=vote.opened_at,
        closes_at=vote.closes_at,
        closed_at=vote.closed_at,
        tally=shown,
        my_ballots=[
            BallotOut(
                vote_id=b.vote_id,
                household_id=b.household_id,
                choice=b.choice.value,
                cast_by=b.cast_by_id,
                cast_at=b.cast_at,
                revision=b.revision,
            )
            for b in ballots
        ],
    )
