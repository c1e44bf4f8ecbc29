"""The optional filters of a list query: each applied only when the caller gave it."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


def given(qs: QuerySet[M], **lookups: Any) -> QuerySet[M]:
    """``qs`` narrowed by each Tortoise lookup whose value is not None, one ``filter`` each
    (as a chain of ``if x is not None: qs = qs.filter(...)`` would)."""
    for lookup, value in lookups.items():
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs
