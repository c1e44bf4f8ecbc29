"""Server calls for the self-governance desk: projects, steps, meetings and votes."""

from __future__ import annotations

from schemas.governance import ProjectBoard, ProjectDetail, ProjectMeetingList
from schemas.governance_votes import VoteList, VoteOut
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
