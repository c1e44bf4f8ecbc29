"""The report tests' world (a street, staff, residents, the catalogue) for guides and
the 责任清单."""

from tests.api.reports.conftest import Ctx, always_open, bind, ctx

__all__ = ["Ctx", "always_open", "bind", "ctx"]
