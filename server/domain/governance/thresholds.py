"""Vote thresholds of the Civil Code, art. 278, computed with exact fractions.

Every decision needs participation of at least 2/3 of the owners by floor area of their
exclusive parts AND at least 2/3 of them by number. Items 6-8 (raising maintenance funds,
rebuilding or altering buildings and their common parts, changing the use of common
parts or using them for business; a lift belongs here) then need the consent of at least
3/4 of the participants by area and by number; the other items more than half of the
participants by both. Areas are Decimals, ratios Fractions: no float ever decides an edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class DecisionKind(StrEnum):
    """The matters of art. 278, para. 1, by item number."""

    rules_of_procedure = "rules_of_procedure"  # (1) 制定和修改业主大会议事规则
    management_rules = "management_rules"  # (2) 制定和修改管理规约
    committee = "committee"  # (3) 选举业主委员会或者更换业主委员会成员
    property_service = "property_service"  # (4) 选聘和解聘物业服务企业或者其他管理人
    use_maintenance_fund = "use_maintenance_fund"  # (5) 使用建筑物及其附属设施的维修资金
    raise_maintenance_fund = "raise_maintenance_fund"  # (6) 筹集建筑物及其附属设施的维修资金
    rebuild_common_parts = "rebuild_common_parts"  # (7) 改建、重建建筑物及其附属设施
    change_common_use = "change_common_use"  # (8) 改变共有部分的用途或者利用共有部分从事经营活动
    other_major = "other_major"  # (9) 有关共有和共同管理权利的其他重大事项


ITEM = {kind: n for n, kind in enumerate(DecisionKind, start=1)}
SPECIAL = frozenset(
    {
        DecisionKind.raise_maintenance_fund,
        DecisionKind.rebuild_common_parts,
        DecisionKind.change_common_use,
    }
)
PARTICIPATION = Fraction(2, 3)
SPECIAL_CONSENT = Fraction(3, 4)
ORDINARY_CONSENT = Fraction(1, 2)


class Choice(StrEnum):
    agree = "agree"  # 同意
    disagree = "disagree"  # 反对
    abstain = "abstain"  # 弃权: takes part, does not consent


@dataclass(frozen=True, slots=True)
class Figure:
    """One of the four tests: ``part / whole`` against ``threshold``.

    ``strict`` means the ratio must exceed the threshold (过半数); otherwise reaching it is
    enough (三分之二以上, 四分之三以上 include the edge). An empty whole never passes."""

    name: str
    part: Fraction
    whole: Fraction
    threshold: Fraction
    strict: bool

    @property
    def ratio(self) -> Fraction | None:
        return self.part / self.whole if self.whole else None

    @property
    def met(self) -> bool:
        r = self.ratio
        if r is None:
            return False
        return r > self.threshold if self.strict else r >= self.threshold


@dataclass(frozen=True, slots=True)
class Tally:
    kind: DecisionKind
    households: int  # the electorate: owners by number
    area: Decimal  # their floor area
    participants: int
    participant_area: Decimal
    agree: int
    agree_area: Decimal
    disagree: int
    abstain: int
    figures: tuple[Figure, Figure, Figure, Figure]

    @property
    def quorate(self) -> bool:
        return self.figures[0].met and self.figures[1].met

    @property
    def passed(self) -> bool:
        return all(f.met for f in self.figures)


def consent_threshold(kind: DecisionKind) -> tuple[Fraction, bool]:
    """(threshold, strict) of the consent tests for this kind of decision."""
    if kind in SPECIAL:
        return SPECIAL_CONSENT, False
    return ORDINARY_CONSENT, True


def _exact(area: Decimal) -> Fraction:
    if not area.is_finite() or area <= 0:
        raise ValueError(f"a floor area must be a positive finite number, not {area}")
    return Fraction(area)


def tally(
    kind: DecisionKind,
    electorate: Iterable[Decimal],
    ballots: Iterable[tuple[Decimal, Choice]],
) -> Tally:
    """The four figures for a vote: ``electorate`` is every household in scope (its floor
    area), ``ballots`` the area and choice of each household that took part (one each)."""
    areas = [_exact(a) for a in electorate]
    cast = [(_exact(a), Choice(c)) for a, c in ballots]
    if len(cast) > len(areas):
        raise ValueError("more ballots than households in the electorate")
    total = sum(areas, Fraction(0))
    took_part = sum((a for a, _ in cast), Fraction(0))
    agreed = [a for a, c in cast if c is Choice.agree]
    yes_area = sum(agreed, Fraction(0))
    threshold, strict = consent_threshold(kind)
    figures = (
        Figure("participation_area", took_part, total, PARTICIPATION, False),
        Figure(
            "participation_number", Fraction(len(cast)), Fraction(len(areas)), PARTICIPATION, False
        ),
        Figure("consent_area", yes_area, took_part, threshold, strict),
        Figure("consent_number", Fraction(len(agreed)), Fraction(len(cast)), threshold, strict),
    )
    return Tally(
        kind=kind,
        households=len(areas),
        area=_decimal(total),
        participants=len(cast),
        participant_area=_decimal(took_part),
        agree=len(agreed),
        agree_area=_decimal(yes_area),
        disagree=sum(1 for _, c in cast if c is Choice.disagree),
        abstain=sum(1 for _, c in cast if c is Choice.abstain),
        figures=figures,
    )


def _decimal(f: Fraction) -> Decimal:
    """A sum of Decimal areas back as a Decimal (exact: its denominator is a power of 10)."""
    return Decimal(f.numerator) / Decimal(f.denominator)
