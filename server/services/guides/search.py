"""Ranked search over the 办事指南, the same SQL on both backends.

The query is cut into terms with the segmenter that built the index; each guide that
shares a term is scored with BM25 (k1 = 1.2, b = 0.75) over the weighted term counts
kept in ``service_guide_term``: rare terms count more than common ones, repeats count
less and less, long guides are evened out against short ones. The statistics (how many
guides hold each term, the guides' mean length) come from one small query first; the
scoring is one grouped query on the (term, guide) index."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from schemas.guides import GuideHit, GuideHits
from server.domain.errors import Invalid
from server.services.guides import terms as tk
from server.services.sql import query

K1 = 1.2
B = 0.75
_COLUMNS = "g.id, g.title, g.summary, g.department, g.last_reviewed"


@dataclass(frozen=True, slots=True)
class Stats:
    guides: int
    mean_length: float
    df: dict[str, int]


def _marks(start: int, n: int) -> str:
    return ", ".join(f"${i}" for i in range(start, start + n))


async def stats(words: list[str]) -> Stats:
    rows = await query(
        "SELECT COUNT(*) AS n, AVG(length) AS avgdl FROM service_guide WHERE published", []
    )
    df_rows = await query(
        "SELECT t.term, COUNT(*) AS df FROM service_guide_term t"  # noqa: S608 - placeholders only
        " JOIN service_guide g ON g.id = t.guide_id"
        f" WHERE g.published AND t.term IN ({_marks(1, len(words))}) GROUP BY t.term",
        list(words),
    )
    n = int(rows[0]["n"] or 0)
    return Stats(n, float(rows[0]["avgdl"] or 1.0), {r["term"]: int(r["df"]) for r in df_rows})


def idf(n: int, df: int) -> float:
    # BM25's idf, kept positive (the Lucene form) so a term in most guides still counts.
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _hit(r: dict[str, Any], score: float) -> GuideHit:
    return GuideHit(
        id=r["id"],
        title=r["title"],
        summary=r["summary"],
        department=r["department"],
        last_reviewed=r["last_reviewed"],
        score=round(score, 4),
    )


async def search(q: str | None, limit: int = 20, offset: int = 0) -> GuideHits:
    if q is None:
        return await listing(limit, offset)
    await tk.warm()
    words = tk.query_terms(q)
    if not words:
        raise Invalid(
            "type what you are looking for, e.g. 居住证 材料", code="empty_query", details={"q": q}
        )
    words = words[:16]
    st = await stats(words)
    found = [w for w in words if w in st.df]
    if not found:
        return GuideHits(query=q, terms=words, items=[])
    # idf and the length norm are numbers we computed, written into the statement as
    # literals; only the terms themselves are parameters.
    weight = " ".join(
        f"WHEN ${i} THEN {idf(st.guides, st.df[w]) * (K1 + 1)!r}"
        for i, w in enumerate(found, start=1)
    )
    norm = f"{K1 * (1 - B)!r} + {K1 * B / max(st.mean_length, 1.0)!r} * g.length"
    sql = (
        f"SELECT {_COLUMNS}, SUM((CASE t.term {weight} ELSE 0 END) * t.tf / (t.tf + {norm}))"  # noqa: S608 - numbers we computed, placeholders
        " AS score FROM service_guide_term t JOIN service_guide g ON g.id = t.guide_id"
        f" WHERE g.published AND t.term IN ({_marks(len(found) + 1, len(found))})"
        f" GROUP BY {_COLUMNS} ORDER BY score DESC, g.last_reviewed DESC, g.id"
        f" LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    rows = await query(sql, found + found)
    return GuideHits(query=q, terms=words, items=[_hit(r, float(r["score"])) for r in rows])


async def listing(limit: int, offset: int) -> GuideHits:
    rows = await query(
        f"SELECT {_COLUMNS} FROM service_guide g WHERE g.published"  # noqa: S608 - integers
        f" ORDER BY g.title, g.id LIMIT {int(limit)} OFFSET {int(offset)}",
        [],
    )
    return GuideHits(query="", terms=[], items=[_hit(r, 0.0) for r in rows])


async def like_search(q: str, limit: int = 20) -> list[int]:
    """The plain substring search the ranked one is measured against (bench/ only)."""
    pattern = f"%{q}%"
    rows = await query(
        "SELECT g.id FROM service_guide g WHERE g.published AND (g.title LIKE $1"  # noqa: S608
        " OR g.keywords LIKE $2 OR g.summary LIKE $3 OR g.materials LIKE $4"
        " OR g.conditions LIKE $5 OR g.steps LIKE $6)"
        f" ORDER BY g.title, g.id LIMIT {int(limit)}",
        [pattern] * 6,
    )
    return [int(r["id"]) for r in rows]
