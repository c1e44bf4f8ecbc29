"""Chinese text to search terms, with jieba's search-mode segmentation.

Search mode also emits the shorter words inside a long one (居住证 → 居住, 居住证), so a
query worded differently from the guide still shares terms with it. Words of the
service catalogue are added to the dictionary so they stay whole; filler words of
questions (怎么, 如何, 需要 …) are dropped."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable

import jieba

MAX_TERM = 32  # the index column's width
# Words of the services the guides describe, kept whole by the segmenter.
DOMAIN_WORDS = (
    "居住证", "加装电梯", "老年综合津贴", "残疾人证", "垃圾分类", "租赁备案", "医保卡",
    "社保卡", "低保", "独生子女", "高龄津贴", "长护险", "居家养老", "适老化", "廉租房",
    "公租房", "积分落户", "出生医学证明", "新生儿", "门牌号", "临时救助", "助餐",
)  # fmt: skip
_FILLER = """
的 了 和 与 及 或 在 是 我 你 他 她 我们 要 想 能 会 可以 吗 呢 吧 啊 呀 怎么 怎样 怎么样 怎么办
如何 什么 哪里 哪儿 哪些 哪个 多少 几 需要 请问 一下 有 没有 办 一个 这个 那个 给 去 到 把 被
对 为 从 上 下 中 等 之 其 该 此 所 也 都 就 还 又 并 以及
"""
STOPWORDS = frozenset(_FILLER.split())
_WORD = re.compile(r"[\w]+", re.UNICODE)
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _ready() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()  # loads the dictionary: about a second, once per process
                for word in DOMAIN_WORDS:
                    tk.add_word(word, freq=20000)
                _tokenizer = tk
    return _tokenizer


def is_ready() -> bool:
    return _tokenizer is not None


async def warm() -> None:
    """Load the dictionary off the event loop (the first request would wait for it)."""
    if _tokenizer is None:
        await asyncio.to_thread(_ready)


def terms(text: str) -> list[str]:
    """Every search term of ``text`` in order, repeats kept (they are the term counts)."""
    tk = _ready()
    out = []
    for chunk in _WORD.findall(text.lower()):
        for word in tk.lcut_for_search(chunk, HMM=True):
            word = word.strip()
            if not word or word in STOPWORDS or len(word) > MAX_TERM:
                continue
            if len(word) == 1 and not word.isalnum():
                continue
            out.append(word)
    return out


def weighted(fields: Iterable[tuple[str, int]]) -> Counter[str]:
    """Term counts over several fields, each occurrence counted ``weight`` times."""
    counts: Counter[str] = Counter()
    for text, weight in fields:
        for term in terms(text):
            counts[term] += weight
    return counts


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, in the order given."""
    return list(dict.fromkeys(terms(text)))
