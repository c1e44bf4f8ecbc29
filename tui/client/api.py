"""The typed client the screens use: one method per server operation they need."""

from __future__ import annotations

from urllib.parse import urlencode

from schemas.directory import CommunityPublic, DepartmentPublic, StaffPublic
from schemas.guides import (
    BodyOut,
    CorrectionIn,
    GuideHits,
    GuideOut,
    HandledByAnswer,
    HandlerDispatchIn,
)
from schemas.kpi import KpiExportQuery, KpiQuery, KpiReport
from schemas.notify import DeliveryPage, DeliveryPublic, DeliveryQuery, QueueStats
from schemas.registry import HouseholdDetail, HouseholdReads
from schemas.reports import (
    AssignIn,
    CategoryOut,
    CommentIn,
    DispatchIn,
    DuplicateOut,
    LegReportIn,
    MeetingIn,
    QueueQuery,
    RecallIn,
    ReportPage,
    ReportPatch,
    ReportStaff,
    TransitionIn,
)
from schemas.rota_plan import (
    GenerateRequest,
    OnDuty,
    RotaDraft,
    RotaGrid,
    RotaPage,
    RotaSummary,
    SwapDecision,
    SwapList,
    SwapPublic,
)
from schemas.visits import (
    Coverage,
    CoverageQuery,
    DayPlan,
    DayPlanQuery,
    DueList,
    DueQuery,
    VisitSyncBatch,
    VisitSyncResponse,
)
from tui.client.backoff import Backoff
from tui.client.http import HttpClient
from tui.client.live import LiveFeed, StateHook

_TRIAGE = "/triage/reports"


class LinliClient(HttpClient):
    """HTTP calls by name, plus the live feed; screens never build URLs themselves."""

    def live(self, on_state: StateHook, backoff: Backoff | None = None) -> LiveFeed:
        return LiveFeed(self, on_state, backoff)

    # -- directory -------------------------------------------------------------
    async def communities(self) -> list[CommunityPublic]:
        out: list[CommunityPublic] = await self.get("/communities", list[CommunityPublic])
        return out

    async def departments(self) -> list[DepartmentPublic]:
        out: list[DepartmentPublic] = await self.get("/departments", list[DepartmentPublic])
        return out

    async def staff(self, community_id: int | None = None) -> list[StaffPublic]:
        out: list[StaffPublic] = await self.get(
            "/staff", list[StaffPublic], community_id=community_id, active="true"
        )
        return out

    # -- reports -------------------------------------------------------------
    async def queue(self, q: QueueQuery) -> ReportPage:
        params = q.model_dump(exclude_defaults=True)
        params["tab"] = q.tab
        params["limit"] = q.limit
        params["counts"] = "true" if q.counts else "false"
        if "overdue" in params:
            params["overdue"] = "true" if q.overdue else "false"
        page: ReportPage = await self.get("/triage/queue", ReportPage, **params)
        return page

    async def report(self, report_id: int) -> ReportStaff:
        r: ReportStaff = await self.get(f"/reports/{report_id}", ReportStaff)
        return r

    async def photo(self, report_id: int, sha: str) -> bytes:
        """One photo of a report or of a department's report-back, as stored (EXIF removed)."""
        return await self.get_bytes(f"/reports/{report_id}/photos/{sha}")

    async def categories(self) -> list[CategoryOut]:
        cats: list[CategoryOut] = await self.get("/reports/categories", list[CategoryOut])
        return cats

    async def duplicates(self, report_id: int) -> list[DuplicateOut]:
        dups: list[DuplicateOut] = await self.get(
            f"{_TRIAGE}/{report_id}/duplicates", list[DuplicateOut]
        )
        return dups

    async def move(self, report_id: int, body: TransitionIn) -> ReportStaff:
        return await self._staff("POST", f"/reports/{report_id}/transitions", body)

    async def comment(self, report_id: int, body: CommentIn) -> ReportStaff:
        return await self._staff("POST", f"/reports/{report_id}/comments", body)

    async def assign(self, report_id: int, body: AssignIn) -> ReportStaff:
        return await self._staff("POST", f"{_TRIAGE}/{report_id}/assign", body)

    async def reclassify(self, report_id: int, body: ReportPatch) -> ReportStaff:
        return await self._staff("PATCH", f"{_TRIAGE}/{report_id}", body)

    async def dispatch(self, report_id: int, body: DispatchIn) -> ReportStaff:
        return await self._staff("POST", f"{_TRIAGE}/{report_id}/dispatch", body)

    async def accept_leg(self, report_id: int, leg_id: int) -> ReportStaff:
        return await self._staff("POST", f"{_TRIAGE}/{report_id}/legs/{leg_id}/accept", None)

    async def report_leg(self, report_id: int, leg_id: int, body: LegReportIn) -> ReportStaff:
        return await self._staff("POST", f"{_TRIAGE}/{report_id}/legs/{leg_id}/report", body)

    async def recall_leg(self, report_id: int, leg_id: int, body: RecallIn) -> ReportStaff:
        return await self._staff("POST", f"{_TRIAGE}/{report_id}/legs/{leg_id}/recall", body)

    async def meeting(self, report_id: int, body: MeetingIn) -> ReportStaff:
        return await self._staff("POST", f"{_TRIAGE}/{report_id}/meetings", body)

    async def _staff(self, method: str, path: str, body: object) -> ReportStaff:
        r: ReportStaff = await self.send(method, path, ReportStaff, body)  # type: ignore[arg-type]
        return r

    # -- 办事指南 and the 责任清单 ---------------------------------------------------
    async def guides(self, q: str | None, limit: int = 30) -> GuideHits:
        params: dict[str, object] = {"limit": limit}
        if q is not None:
            params["q"] = q
        out: GuideHits = await self.get("/guides", GuideHits, **params)
        return out

    async def guide(self, guide_id: int) -> GuideOut:
        out: GuideOut = await self.get(f"/guides/{guide_id}", GuideOut)
        return out

    async def dispatch_to_handler(self, report_id: int, body: HandlerDispatchIn) -> ReportStaff:
        return await self._staff("POST", f"/responsibility/reports/{report_id}/dispatch", body)

    async def bodies(self) -> list[BodyOut]:
        out: list[BodyOut] = await self.get("/responsibility/bodies", list[BodyOut])
        return out

    async def correct_handler(self, report_id: int, body: CorrectionIn) -> HandledByAnswer:
        out: HandledByAnswer = await self.send(
            "POST", f"/responsibility/reports/{report_id}/correction", HandledByAnswer, body
        )
        return out

    # -- notifications (secretary, admin) -------------------------------------
    async def relay_stats(self) -> QueueStats:
        out: QueueStats = await self.get("/notify/queue", QueueStats)
        return out

    async def deliveries(self, q: DeliveryQuery) -> DeliveryPage:
        out: DeliveryPage = await self.get(
            "/notify/deliveries", DeliveryPage, **q.model_dump(exclude_none=True)
        )
        return out

    async def retry_delivery(self, delivery_id: int) -> DeliveryPublic:
        out: DeliveryPublic = await self.send(
            "POST", f"/notify/deliveries/{delivery_id}/retry", DeliveryPublic, None
        )
        return out

    # -- visits ----------------------------------------------------------------
    async def due(self, q: DueQuery) -> DueList:
        out: DueList = await self.get("/visits/due", DueList, **q.model_dump(exclude_none=True))
        return out

    async def household(self, household_id: int) -> HouseholdDetail:
        out: HouseholdDetail = await self.get(f"/households/{household_id}", HouseholdDetail)
        return out

    async def household_reads(self, household_id: int) -> HouseholdReads:
        out: HouseholdReads = await self.get(f"/households/{household_id}/reads", HouseholdReads)
        return out

    async def day_plan(self, q: DayPlanQuery) -> DayPlan:
        out: DayPlan = await self.get(
            "/visits/plan", DayPlan, **q.model_dump(mode="json", exclude_none=True)
        )
        return out

    async def sync_visits(self, batch: VisitSyncBatch) -> VisitSyncResponse:
        out: VisitSyncResponse = await self.send("POST", "/visits/sync", VisitSyncResponse, batch)
        return out

    async def coverage(self, q: CoverageQuery) -> Coverage:
        out: Coverage = await self.get(
            "/visits/coverage", Coverage, **q.model_dump(exclude_none=True)
        )
        return out

    # -- 考核 -------------------------------------------------------------------
    async def kpi(self, q: KpiQuery) -> KpiReport:
        out: KpiReport = await self.get("/kpi/", KpiReport, **q.model_dump(mode="json"))
        return out

    async def kpi_export(self, q: KpiExportQuery) -> bytes:
        args = {k: v for k, v in q.model_dump(mode="json").items() if v is not None}
        return await self.get_bytes(f"/kpi/export?{urlencode(args)}")

    # -- rota --------------------------------------------------------------------
    async def rotas(self, community_id: int) -> RotaPage:
        out: RotaPage = await self.get(f"/rota/communities/{community_id}/rotas", RotaPage)
        return out

    async def rota_grid(self, rota_id: int) -> RotaGrid:
        out: RotaGrid = await self.get(f"/rota/rotas/{rota_id}", RotaGrid)
        return out

    async def on_duty(self, community_id: int) -> OnDuty:
        out: OnDuty = await self.get(f"/rota/communities/{community_id}/on-duty", OnDuty)
        return out

    async def generate_rota(self, community_id: int, body: GenerateRequest) -> RotaDraft:
        out: RotaDraft = await self.send(
            "POST", f"/rota/communities/{community_id}/generate", RotaDraft, body
        )
        return out

    async def publish_rota(self, rota_id: int) -> RotaSummary:
        out: RotaSummary = await self.send(
            "POST", f"/rota/rotas/{rota_id}/publish", RotaSummary, None
        )
        return out

    async def swaps(self, rota_id: int) -> SwapList:
        out: SwapList = await self.get(f"/rota/rotas/{rota_id}/swaps", SwapList)
        return out

    async def decide_swap(self, swap_id: int, approve: bool, note: str = "") -> SwapPublic:
        verb = "approve" if approve else "deny"
        out: SwapPublic = await self.send(
            "POST", f"/rota/swaps/{swap_id}/{verb}", SwapPublic, SwapDecision(note=note)
        )
        return out
