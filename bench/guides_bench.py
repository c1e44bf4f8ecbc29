"""How fast and how well the 办事指南 search answers on 1,000 guides, beside LIKE.

Run: PYTHONPATH=. python -m bench.guides_bench [DATABASE_URL]. A temporary SQLite file
is used unless a URL is given (for PostgreSQL, a fresh database is made and dropped).
Guides: the 24 demo guides plus 976 variants of them (other districts, other ways of
applying), written through the admins' use case so each carries its index terms. Each
query in residents' words is run by the ranked search and by a plain LIKE '%query%' over
the same text columns (the floor: the least a search can do); both are printed with
their latency and whether the right guide came first.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas.guides import GuideIn
from server.db import close_db, init_db, migrate
from server.services.guides import catalogue, search
from server.services.guides import terms as tk
from server.services.guides.demo import GUIDES

N_GUIDES = 1000
ROUNDS = 30
DISTRICTS = ["长宁区", "徐汇区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "浦东新区"]
WAYS = ["（窗口办理）", "（网上办理）", "（委托代办）", "（变更）", "（注销）"]
QUERIES = [
    ("加装电梯 补贴", "既有多层住宅加装电梯"),
    ("老房子装电梯能补贴多少", "既有多层住宅加装电梯"),
    ("居住证 材料", "上海市居住证首次申领"),
    ("居住证到期了怎么续", "上海市居住证签注"),
    ("医保卡丢了怎么补办", "社会保障卡（医保卡）补领"),
    ("65岁老人每月津贴", "老年综合津贴申领"),
    ("租房合同备案", "住房租赁合同登记备案"),
    ("湿垃圾什么时候扔", "生活垃圾分类投放指引"),
    ("办残疾证要什么", "残疾人证首次申领"),
    ("居住证", "居住证"),
]


def variant(i: int) -> GuideIn:
    base = GUIDES[i % len(GUIDES)]
    today = datetime.now(UTC).date()
    if i < len(GUIDES):
        return GuideIn(**base, last_reviewed=today - timedelta(days=i))
    district = DISTRICTS[i % len(DISTRICTS)]
    way = WAYS[(i // len(GUIDES)) % len(WAYS)]
    fields = {k: f"{district}{v}" if k in ("place_hours", "department") else v
              for k, v in base.items()}  # fmt: skip
    fields["title"] = f"{district}{base['title']}{way}"[:100]
    return GuideIn(**fields, last_reviewed=today - timedelta(days=i % 365))


def ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"median {statistics.median(samples) * 1e3:6.2f} ms  p95 {p95 * 1e3:6.2f} ms"


async def run(url: str) -> None:
    await migrate(url)
    await init_db(url)
    try:
        t0 = clock.perf_counter()
        tk.terms("预热")  # the dictionary load is a one-off per process; not indexing
        load = clock.perf_counter() - t0
        t0 = clock.perf_counter()
        for i in range(N_GUIDES):
            await catalogue.create(variant(i), None)
        made = clock.perf_counter() - t0
        each = made / N_GUIDES * 1e3
        print(f"guides: {N_GUIDES}, written with their index terms in {made:.1f} s "
              f"({each:.1f} ms per guide); dictionary load {load:.2f} s")  # fmt: skip
        bm25_times: list[float] = []
        like_times: list[float] = []
        bm25_right = like_right = like_found = 0
        for q, expected in QUERIES:
            hits = await search.search(q, 10)
            ids = await search.like_search(q, 10)
            bm25_right += bool(hits.items) and expected in hits.items[0].title
            like_found += bool(ids)
            if ids:
                first = await search.search(None, 1000)
                titles = {h.id: h.title for h in first.items}
                like_right += expected in titles.get(ids[0], "")
            for _ in range(ROUNDS):
                t0 = clock.perf_counter()
                await search.search(q, 10)
                bm25_times.append(clock.perf_counter() - t0)
                t0 = clock.perf_counter()
                await search.like_search(q, 10)
                like_times.append(clock.perf_counter() - t0)
        n = len(QUERIES)
        print(f"ranked BM25 search   {ms(bm25_times)}   right guide first {bm25_right}/{n}")
        print(f"LIKE '%query%' floor {ms(like_times)}   right guide first {like_right}/{n}"
              f", anything found {like_found}/{n}")  # fmt: skip
        t0 = clock.perf_counter()
        for q, _ in QUERIES * ROUNDS:
            tk.query_terms(q)
        per = (clock.perf_counter() - t0) / (n * ROUNDS)
        print(f"of which segmenting the query: {per * 1e3:.3f} ms")
    finally:
        await close_db()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("postgres"):
        from tests.support.db import create_postgres_database, drop_postgres_database

        url, name = create_postgres_database(sys.argv[1])
        try:
            asyncio.run(run(url))
        finally:
            drop_postgres_database(sys.argv[1], name)
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite://{Path(tmp) / f'guides-{secrets.token_hex(3)}.sqlite3'}"))


if __name__ == "__main__":
    main()
