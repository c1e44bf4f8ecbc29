"""The auditable record of a vote, as CSV a notary or the 房管局 can check by hand.

Comment lines (``#``) give the vote, the rule and the published figures. Then one row
per ballot ever cast, changed ones included (``final`` = 1 marks the one that counts),
and one row per household of the electorate that never voted, each with the floor area
it voted with. Summing the final rows gives the published figures again."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC

from server.auth.principal import Principal
from server.domain.errors import Forbidden, NotFound
from server.domain.governance.thresholds import ITEM, DecisionKind, consent_threshold
from server.models.geo import Building, Household
from server.models.governance import Project
from server.models.governance_votes import Ballot, BallotRecord, Elector, Vote
from server.services.audit import audit
from server.services.governance.access import project_for
from server.services.governance.tallies import tally_json
from server.services.governance.votes import current_tally

COLUMNS = [
    "household_id",
    "building",
    "unit",
    "room",
    "area_m2",
    "revision",
    "choice",
    "cast_by_resident",
    "cast_at_utc",
    "final",
]


async def export_csv(p: Principal, vote_id: int) -> tuple[bytes, str]:
    """The CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) and its SHA-256."""
    if not p.is_staff:
        raise Forbidden("the audit export is for staff")
    vote = await Vote.filter(id=vote_id).first()
    if vote is None:
        raise NotFound("vote not found")
    project = await project_for(p, vote.project_id)
    text = await _render(vote, project)
    data = ("\ufeff" + text).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    await audit(p, "vote.exported", "vote", vote.id, {"sha256": digest})
    return data, digest


async def _render(vote: Vote, project: Project) -> str:
    kind = DecisionKind(vote.decision_kind)
    threshold, strict = consent_threshold(kind)
    result = vote.result or tally_json(await current_tally(vote))
    out = io.StringIO()
    head = [
        f"vote {vote.id}: {vote.question}",
        f"project {project.id}: {project.title}",
        f"decision: Civil Code art. 278 item {ITEM[kind]} ({kind.value})",
        "participation: >= 2/3 of households by floor area and >= 2/3 by number",
        f"consent: {'>' if strict else '>='} {threshold} of participants by area and by number",
        f"status: {vote.status.value}; opened {vote.opened_at.isoformat()}; "
        f"closed {vote.closed_at.isoformat() if vote.closed_at else '-'}",
    ]
    for f in result["figures"]:
        head.append(
            f"{f['name']}: {f['part']} / {f['whole']} = {f['ratio']} {f['rule']} {f['threshold']}: "
            f"{'met' if f['met'] else 'not met'}"
        )
    head.append(f"passed: {'yes' if result['passed'] else 'no'}")
    for line in head:
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    electors = {e.household_id: e.area for e in await Elector.filter(vote_id=vote.id)}
    homes = {h.id: h for h in await Household.filter(id__in=list(electors))}
    names = dict(
        await Building.filter(id__in={h.building_id for h in homes.values()}).values_list(
            "id", "name"
        )
    )
    final = {b.household_id: b.revision for b in await Ballot.filter(vote_id=vote.id)}
    records = await BallotRecord.filter(vote_id=vote.id).order_by("household_id", "revision")
    voted = set()
    for r in records:
        voted.add(r.household_id)
        h = homes[r.household_id]
        writer.writerow(
            [
                h.id,
                names[h.building_id],
                h.unit,
                h.room,
                electors[h.id],
                r.revision,
                r.choice.value,
                r.cast_by_id,
                r.cast_at.astimezone(UTC).isoformat(),
                int(final.get(h.id) == r.revision),
            ]
        )
    for hid in sorted(set(electors) - voted):
        h = homes[hid]
        writer.writerow(
            [h.id, names[h.building_id], h.unit, h.room, electors[hid], "", "", "", "", ""]
        )
    return out.getvalue()
