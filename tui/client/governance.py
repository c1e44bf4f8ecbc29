"""Server calls for the self-governance desk: projects, steps, meetings and votes."""

from __future__ import annotations

from schemas.governance import ProjectBoard, ProjectDetail, ProjectMeetingList, StepOut, StepTick
from schemas.governance_votes import VoteList, VoteOut
from schemas.reports import PhotoOut
from tui.client.http import HttpClient

_P = "/governance/projects"


class GovernanceCalls:
    """The governance operations by name, over the signed-in client's session."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    async def board(self, status: str | None = None) -> ProjectBoard:
        out: ProjectBoard = await self.http.get(_P, ProjectBoard, status=status)
        return out

    async def project(self, project_id: int) -> ProjectDetail:
        out: ProjectDetail = await self.http.get(f"{_P}/{project_id}", ProjectDetail)
        return out

    async def approve(self, project_id: int) -> ProjectDetail:
        out: ProjectDetail = await self.http.send(
            "POST", f"{_P}/{project_id}/approve", ProjectDetail, None
        )
        return out

    async def upload_photo(self, name: str, data: bytes, mime: str) -> PhotoOut:
        """A photo of a stamped document; its id is what a tick names (the same upload
        route as report photos, and only the uploader may use the id)."""
        out: PhotoOut = await self.http.send_file("/reports/photos", PhotoOut, name, data, mime)
        return out

    async def tick_step(self, project_id: int, step_id: int, body: StepTick) -> StepOut:
        """Tick a step done, or tick it again to correct the date, office or photo."""
        out: StepOut = await self.http.send(
            "PUT", f"{_P}/{project_id}/steps/{step_id}", StepOut, body
        )
        return out

    async def untick_step(self, project_id: int, step_id: int) -> StepOut:
        out: StepOut = await self.http.send(
            "DELETE", f"{_P}/{project_id}/steps/{step_id}", StepOut, None
        )
        return out

    async def step_photo(self, project_id: int, step_id: int) -> bytes:
        """The photo of a done step's stamped document, as stored."""
        return await self.http.get_bytes(f"{_P}/{project_id}/steps/{step_id}/photo")

    async def meetings(self, project_id: int) -> ProjectMeetingList:
        out: ProjectMeetingList = await self.http.get(
            f"{_P}/{project_id}/meetings", ProjectMeetingList
        )
        return out

    async def votes(self, project_id: int) -> VoteList:
        out: VoteList = await self.http.get(f"{_P}/{project_id}/votes", VoteList)
        return out

    async def close_vote(self, vote_id: int) -> VoteOut:
        out: VoteOut = await self.http.send(
            "POST", f"/governance/votes/{vote_id}/close", VoteOut, None
        )
        return out
