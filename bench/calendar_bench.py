"""How fast the SLA business clock is: deadlines and elapsed open time per call.

Run: ``PYTHONPATH=. python -m bench.calendar_bench`` (or ``make bench`` for all). Each
figure is printed beside a floor measured in the same run: a bare walk over the same
number of days doing one dict lookup and one timedelta addition per day, the least any
day-level algorithm must do.
"""

from __future__ import annotations

import random
import time as clock
from datetime import UTC, datetime, timedelta

from server.domain.calendar import BusinessClock, HolidayCalendar
from server.domain.hours import DEFAULT_HOURS

N = 20_000


def per_call(fn, n: int = N) -> float:  # type: ignore[no-untyped-def]
    t0 = clock.perf_counter()
    for i in range(n):
        fn(i)
    return (clock.perf_counter() - t0) / n * 1e6


def main() -> None:
    rng = random.Random(7)
    cal = HolidayCalendar.load()
    bc = BusinessClock(DEFAULT_HOURS, cal)
    base = datetime(2025, 1, 2, tzinfo=UTC)
    starts = [base + timedelta(seconds=rng.randrange(600 * 86400)) for _ in range(N)]
    sla = timedelta(hours=3 * 11)  # three working days of open time
    for s in starts[:500]:  # warm the per-day cache as a running server would have it
        bc.add(s, sla)
    ends = [bc.add(s, sla) for s in starts]
    spans = [(e - s).days + 1 for s, e in zip(starts, ends, strict=True)]
    days = {d: timedelta(hours=1) for d in range(1000)}

    def floor(i: int) -> None:
        total = timedelta(0)
        for d in range(spans[i]):
            total += days[d]

    floor_us = per_call(floor)
    add_us = per_call(lambda i: bc.add(starts[i], sla))
    between_us = per_call(lambda i: bc.between(starts[i], ends[i]))
    month = timedelta(days=30)
    long_us = per_call(lambda i: bc.between(starts[i], starts[i] + month), 5000)
    floor30 = per_call(lambda i: sum((days[d] for d in range(31)), timedelta(0)), 5000)
    fresh = BusinessClock(DEFAULT_HOURS, cal)
    cold_us = per_call(lambda i: fresh.add(starts[i], sla), 2000)
    print(f"days spanned by a 3-working-day SLA: mean {sum(spans) / len(spans):.1f}")
    print(f"add(start, 33 h open)      {add_us:7.2f} us/call   floor {floor_us:6.2f} us")
    print(f"between(start, deadline)   {between_us:7.2f} us/call   floor {floor_us:6.2f} us")
    print(f"between over 30 days       {long_us:7.2f} us/call   floor {floor30:6.2f} us")
    print(f"add, cold day cache        {cold_us:7.2f} us/call   floor {floor_us:6.2f} us")


if __name__ == "__main__":
    main()
