"""考核 figures per street, community and worker over a period, read from the reports'
facts rows (``report_fact``) and the visit log, and their CSV and XLSX export."""

from server.services.kpi.export import export
from server.services.kpi.figures import figures

__all__ = ["export", "figures"]
