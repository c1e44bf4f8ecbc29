"""The holiday calendar and the business clock: known deadlines and algebraic properties."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.calendar import BusinessClock, CalendarNotCovered, HolidayCalendar
from server.domain.hours import DEFAULT_HOURS, OpeningHours

SH = ZoneInfo("Asia/Shanghai")
CAL = HolidayCalendar.load()
CLOCK = BusinessClock(DEFAULT_HOURS, CAL)
H = timedelta(hours=1)


def at(y: int, mo: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, mo, d, hh, mm, tzinfo=SH)


def t(s: str) -> time:
    return time.fromisoformat(s)


# --- the sources ---------------------------------------------------------------------

# The notices for 2025 and 2026 as they were typed by hand from the State Council's text
# before the calendar came from the chinesecalendar package: kept to check the package.
TYPED = HolidayCalendar.load(Path(__file__).parent / "data" / "cn_holidays_2025_2026.json")


def test_package_and_typed_notices_agree_day_by_day_on_2025_and_2026() -> None:
    day, checked = date(2025, 1, 1), 0
    while day.year <= 2026:
        assert CAL.is_holiday(day) == TYPED.is_holiday(day), day
        assert CAL.is_makeup_workday(day) == TYPED.is_makeup_workday(day), day
        day, checked = day + timedelta(days=1), checked + 1
    assert checked == 730
    assert TYPED.years == {2025, 2026} and {2025, 2026} <= CAL.years


def test_calendar_covers_2025_and_2026_with_every_notice_day() -> None:
    for year, days in ((2025, 28), (2026, 33)):
        assert sum(1 for d in CAL.holidays if d.year == year) == days
    assert sorted(d.isoformat() for d in CAL.makeup_workdays if d.year == 2026) == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert CAL.is_holiday(date(2025, 1, 28))  # 除夕 2025, a Tuesday
    assert CAL.is_holiday(date(2026, 10, 3))  # a Saturday inside 国庆
    assert not CAL.is_holiday(date(2026, 10, 8))
    assert CAL.is_makeup_workday(date(2025, 9, 28))
    assert not CAL.is_makeup_workday(date(2025, 9, 27))


def test_override_adds_closures_and_whole_years() -> None:
    notice = {
        "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
        "makeup_workdays": [{"name": "元旦", "date": "2027-01-09"}],
    }
    cal = HolidayCalendar.from_library(
        {
            "closures": [{"name": "typhoon", "from": "2026-07-15", "to": "2026-07-16"}],
            "years": {"2027": notice},
        }
    )
    assert cal.is_holiday(date(2026, 7, 15)) and cal.is_holiday(date(2026, 7, 16))
    assert not cal.is_holiday(date(2026, 7, 17))
    assert not CAL.is_holiday(date(2026, 7, 15))
    assert cal.is_holiday(date(2027, 1, 2)) and cal.is_makeup_workday(date(2027, 1, 9))
    assert not cal.is_holiday(date(2027, 5, 1))  # the typed year replaces, nothing guessed
    assert cal.is_holiday(date(2026, 10, 1))  # the package's own days stay
    with pytest.raises(CalendarNotCovered):
        cal.is_holiday(date(2028, 1, 1))
    # A year typed in the override replaces the package's days for that year.
    empty = {"holidays": [], "makeup_workdays": []}
    corrected = HolidayCalendar.from_library({"years": {"2026": empty}})
    assert not corrected.is_holiday(date(2026, 10, 1))
    with pytest.raises(ValueError, match="not covered"):
        HolidayCalendar.from_library(
            {"closures": [{"name": "x", "from": "2031-01-06", "to": "2031-01-06"}]}
        )


def test_uncovered_year_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarNotCovered, match="2027"):
        CAL.is_holiday(date(2027, 1, 1))
    with pytest.raises(CalendarNotCovered):
        CAL.is_makeup_workday(date(min(CAL.years) - 1, 12, 31))
    # A deadline running into an uncovered year fails loudly as well.
    with pytest.raises(CalendarNotCovered):
        CLOCK.add(at(2026, 12, 30, 9), timedelta(hours=40))
    with pytest.raises(CalendarNotCovered):
        CLOCK.between(at(2026, 12, 30), at(2027, 1, 4))


def test_a_datetime_is_not_a_date() -> None:
    with pytest.raises(TypeError):
        CAL.is_holiday(datetime(2026, 1, 1, tzinfo=UTC))


def _data(**notice: object) -> dict[str, object]:
    base: dict[str, object] = {"holidays": [], "makeup_workdays": []}
    base.update(notice)
    return {"covered": [2030], "years": {"2030": base}}


def test_loader_rejects_inconsistent_files(tmp_path: Path) -> None:
    weekday_makeup = _data(makeup_workdays=[{"name": "x", "date": "2030-01-02"}])
    with pytest.raises(ValueError, match="not a weekend"):
        HolidayCalendar.from_data(weekday_makeup)
    backwards = _data(holidays=[{"name": "x", "from": "2030-02-05", "to": "2030-02-01"}])
    with pytest.raises(ValueError, match="implausible"):
        HolidayCalendar.from_data(backwards)
    both = _data(
        holidays=[{"name": "x", "from": "2030-01-05", "to": "2030-01-06"}],
        makeup_workdays=[{"name": "x", "date": "2030-01-05"}],
    )
    with pytest.raises(ValueError, match="both"):
        HolidayCalendar.from_data(both)
    with pytest.raises(ValueError, match="covered"):
        HolidayCalendar.from_data({"covered": [2030, 2031], "years": _data()["years"]})
    path = tmp_path / "cal.json"
    path.write_text(
        json.dumps(_data(holidays=[{"name": "x", "from": "2030-01-01", "to": "2030-01-01"}]))
    )
    loaded = HolidayCalendar.load(path)
    assert loaded.is_holiday(date(2030, 1, 1)) and loaded.years == {2030}


# --- known deadlines -----------------------------------------------------------------


def test_deadline_over_national_day_2026() -> None:
    # Wed 30 Sep 18:00: 1.5 h left that day, 1–7 Oct closed (Saturday 3 Oct too),
    # Thu 8 Oct opens 08:30 and the remaining 6.5 h end at 15:00.
    due = CLOCK.add(at(2026, 9, 30, 18), 8 * H)
    assert due == at(2026, 10, 8, 15)
    assert due.tzinfo is UTC
    assert not CLOCK.is_open(at(2026, 10, 3, 10))
    assert CLOCK.between(at(2026, 9, 30, 18), due) == 8 * H


def test_deadline_over_spring_festival_2026() -> None:
    # Sat 14 Feb is a make-up day (Monday hours, until 19:30); 15–23 Feb closed.
    due = CLOCK.add(at(2026, 2, 14, 19), 2 * H)
    assert due == at(2026, 2, 24, 10)
    assert CLOCK.next_open(at(2026, 2, 15, 9)) == at(2026, 2, 24, 8, 30)


def test_deadline_over_spring_festival_2025_crossing_eve() -> None:
    # Mon 27 Jan 2025 19:00, 1 h: 0.5 h that evening, 28 Jan–4 Feb closed, Wed 5 Feb.
    assert CLOCK.add(at(2025, 1, 27, 19), H) == at(2025, 2, 5, 9)


def test_makeup_saturday_uses_weekday_hours() -> None:
    # An ordinary Saturday opens 09:00–17:00; the 调休 Saturday 10 Oct 2026 works 08:30–19:30.
    assert not CLOCK.is_open(at(2026, 10, 17, 8, 45))
    assert CLOCK.is_open(at(2026, 10, 10, 8, 45))
    assert CLOCK.is_open(at(2026, 10, 10, 19))
    assert CLOCK.between(at(2026, 10, 10), at(2026, 10, 11)) == 11 * H
    assert CLOCK.between(at(2026, 10, 17), at(2026, 10, 18)) == 8 * H
    # Fri 9 Oct 19:00 + 2 h runs into the make-up Saturday morning.
    assert CLOCK.add(at(2026, 10, 9, 19), 2 * H) == at(2026, 10, 10, 10)


def test_custom_makeup_hours() -> None:
    hours = OpeningHours.from_mapping(
        {d: [(t("09:00"), t("17:00"))] for d in range(5)}, makeup=[(t("10:00"), t("12:00"))]
    )
    clock = BusinessClock(hours, CAL)
    assert clock.between(at(2026, 2, 28), at(2026, 3, 1)) == 2 * H
    assert clock.next_open(at(2026, 2, 27, 18)) == at(2026, 2, 28, 10)


def test_staggered_evening_hours() -> None:
    # 错时: morning, afternoon and an evening desk for working residents.
    hours = OpeningHours.from_mapping(
        {
            d: [(t("08:30"), t("11:30")), (t("13:30"), t("17:00")), (t("18:00"), t("21:00"))]
            for d in range(5)
        }
    )
    clock = BusinessClock(hours, CAL)
    # Mon 2 Mar 2026 10:30 + 5 h: 1 h + 3.5 h, then 0.5 h of the evening desk.
    assert clock.add(at(2026, 3, 2, 10, 30), 5 * H) == at(2026, 3, 2, 18, 30)
    assert not clock.is_open(at(2026, 3, 2, 17, 30))
    assert clock.next_open(at(2026, 3, 2, 17, 30)) == at(2026, 3, 2, 18)
    assert clock.is_open(at(2026, 3, 2, 20, 59))
    assert not clock.is_open(at(2026, 3, 2, 21))  # openings are half-open
    # Fri 6 Mar 20:00 + 2 h: the evening hour, then Monday 09:30.
    assert clock.add(at(2026, 3, 6, 20), 2 * H) == at(2026, 3, 9, 9, 30)


def test_weekend_only_hours_are_closed_on_holidays() -> None:
    hours = OpeningHours.from_mapping(
        {5: [(t("09:00"), t("12:00"))], 6: [(t("09:00"), t("12:00"))]}
    )
    clock = BusinessClock(hours, CAL)
    assert clock.between(at(2026, 10, 1), at(2026, 10, 8)) == timedelta(0)
    # The make-up Saturday follows Monday's timetable, which here is closed.
    assert clock.next_open(at(2026, 10, 1)) == at(2026, 10, 11, 9)


def test_edges() -> None:
    a = at(2026, 3, 2, 10)
    assert CLOCK.add(a, timedelta(0)) == a
    assert CLOCK.between(a, a) == timedelta(0)
    assert CLOCK.between(a + H, a) == timedelta(0)
    # Exactly at closing time the work is done: no jump to the next opening.
    assert CLOCK.add(at(2026, 3, 2, 18, 30), H) == at(2026, 3, 2, 19, 30)
    assert CLOCK.next_open(a) == a
    # The same instant in any zone gives the same answer.
    assert CLOCK.add(a.astimezone(UTC), H) == CLOCK.add(a, H)
    with pytest.raises(ValueError, match="aware"):
        CLOCK.add(datetime(2026, 3, 2, 10), H)
    with pytest.raises(ValueError, match="negative"):
        CLOCK.add(a, -H)
    never = BusinessClock(OpeningHours.from_mapping({}), CAL)
    with pytest.raises(ValueError, match="never open"):
        never.add(a, H)
    assert never.between(a, a + 30 * H) == timedelta(0)


# --- properties ----------------------------------------------------------------------

LO = datetime(2025, 1, 2, tzinfo=UTC)  # 1 Jan UTC is still 2024 in New York
SPAN = timedelta(days=640)  # leaves room for adds to stay inside 2026
instants = st.integers(0, int(SPAN.total_seconds() * 1_000_000)).map(
    lambda us: LO + timedelta(microseconds=us)
)
works = st.integers(0, 80 * 3600 * 1_000_000).map(lambda us: timedelta(microseconds=us))


@st.composite
def timetables(draw: st.DrawFn) -> OpeningHours:
    def day() -> list[tuple[time, time]]:
        quarters = draw(st.lists(st.integers(0, 95), max_size=6, unique=True))
        quarters.sort()
        pairs = zip(quarters[::2], quarters[1::2], strict=False)
        return [(time(a // 4, a % 4 * 15), time(b // 4, b % 4 * 15)) for a, b in pairs]

    mapping = {d: day() for d in range(7)}
    mapping[draw(st.integers(0, 4))] = [(t("09:00"), t("17:00"))]  # never empty
    return OpeningHours.from_mapping(mapping)


clocks = st.builds(
    BusinessClock,
    st.one_of(st.just(DEFAULT_HOURS), timetables()),
    st.just(CAL),
    st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York"]),
)


@settings(max_examples=150, deadline=None)
@given(clocks, instants, works)
def test_between_inverts_add(clock: BusinessClock, a: datetime, w: timedelta) -> None:
    due = clock.add(a, w)
    assert due >= a
    assert clock.between(a, due) == w


@settings(max_examples=100, deadline=None)
@given(clocks, instants, instants, works, works)
def test_add_is_monotonic(
    clock: BusinessClock, a: datetime, b: datetime, v: timedelta, w: timedelta
) -> None:
    a, b = min(a, b), max(a, b)
    v, w = min(v, w), max(v, w)
    assert clock.add(a, w) <= clock.add(b, w)
    assert clock.add(a, v) <= clock.add(a, w)


@settings(max_examples=100, deadline=None)
@given(clocks, instants, instants, instants)
def test_between_is_additive(clock: BusinessClock, a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert clock.between(a, b) + clock.between(b, c) == clock.between(a, c)


@settings(max_examples=150, deadline=None)
@given(clocks, instants)
def test_is_open_agrees_with_between(clock: BusinessClock, a: datetime) -> None:
    tick = timedelta(microseconds=1)
    assert clock.is_open(a) == (clock.between(a, a + tick) == tick)
    nxt = clock.next_open(a)
    assert clock.is_open(nxt)
    assert clock.between(a, nxt) == timedelta(0)


def test_daylight_saving_days_count_real_time() -> None:
    # Outside China the zone matters: Berlin's clocks skip 02:00–03:00 on 29 Mar 2026 and
    # repeat it on 25 Oct 2026, so a Sunday desk open 01:00–04:00 is open 2 h, then 4 h.
    berlin = ZoneInfo("Europe/Berlin")
    clock = BusinessClock(
        OpeningHours.from_mapping({6: [(t("01:00"), t("04:00"))]}), CAL, "Europe/Berlin"
    )
    day = timedelta(days=1)
    spring = datetime(2026, 3, 29, tzinfo=berlin)
    autumn = datetime(2026, 10, 25, tzinfo=berlin)
    assert clock.between(spring, spring + day) == 2 * H
    assert clock.between(autumn, autumn + day) == 4 * H
    assert clock.add(spring, 2 * H) == datetime(2026, 3, 29, 4, tzinfo=berlin)
    assert clock.add(autumn, 3 * H) == datetime(2026, 10, 25, 3, tzinfo=berlin)
