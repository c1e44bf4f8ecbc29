"""The bound on reads a process keeps: least recently used out first, none at 0."""

from server.services.kept import Kept


def test_the_least_recently_used_goes_first() -> None:
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "b" is now the oldest
    kept.put("c", 3)
    assert kept.get("b") is None and kept.get("a") == 1 and kept.get("c") == 3


def test_resizing_drops_the_oldest_and_zero_keeps_nothing() -> None:
    kept: Kept[str, int] = Kept(3)
    for i, k in enumerate("abc"):
        kept.put(k, i)
    kept.resize(1)
    assert [kept.get(k) for k in "abc"] == [None, None, 2]
    kept.resize(0)
    kept.put("d", 4)
    assert kept.get("c") is None and kept.get("d") is None
