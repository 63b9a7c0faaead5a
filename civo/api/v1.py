"""``/api/v1``: the open data — communities, projects and their participation modules,
contributions with pseudonymous authors and their counts, and a bulk export per project.
Public, non-personal, paginated (keyset), rate-limited; private communities never appear.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel

from civo.api.ratelimit import rate_limit
from civo.db import run_service
from civo.services import opendata
from civo.services.errors import CivoError, NotFound

ERRORS = {404: {"description": "Not found, or not public"},
          429: {"description": "Too many requests (see Retry-After)"}}
router = APIRouter(prefix="/api/v1", tags=["open data"], responses=ERRORS,
                   dependencies=[Depends(rate_limit)])

Cursor = Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]*$",
                                     description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=opendata.MAX_LIMIT)]
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
Slug = Annotated[str, Path(max_length=140, pattern=r"^[a-z0-9-]+$")]


class CommunityPage(BaseModel):
    data: list[opendata.CommunityData]
    next_cursor: str | None


class ProjectPage(BaseModel):
    data: list[opendata.ProjectData]
    next_cursor: str | None


class ContributionPage(BaseModel):
    data: list[opendata.ContributionData]
    next_cursor: str | None


async def _call(func, **kwargs):
    try:
        return await run_service(func, **kwargs)
    except NotFound as error:
        raise HTTPException(status_code=404, detail=error.message) from None
    except CivoError as error:
        raise HTTPException(status_code=400, detail=error.message) from None


@router.get("/communities", response_model=CommunityPage)
async def list_communities(cursor: Cursor = None, limit: Limit = 20) -> CommunityPage:
    """Public communities (cities, regions, countries, unions, organisations)."""
    rows, nxt = await _call(opendata.communities, cursor=cursor, limit=limit)
    return CommunityPage(data=rows, next_cursor=nxt)


@router.get("/communities/{slug}", response_model=opendata.CommunityData)
async def get_community(slug: Slug):
    return await _call(opendata.community, slug=slug)


@router.get("/projects", response_model=ProjectPage)
async def list_projects(community: Annotated[str | None, Query(
        max_length=140, pattern=r"^[a-z0-9-]+$")] = None, cursor: Cursor = None,
        limit: Limit = 20) -> ProjectPage:
    """Published projects, with their phases (each hosts one participation module)."""
    rows, nxt = await _call(opendata.projects, community_slug=community, cursor=cursor,
                            limit=limit)
    return ProjectPage(data=rows, next_cursor=nxt)


@router.get("/projects/{project_id}", response_model=opendata.ProjectData)
async def get_project(project_id: Id):
    return await _call(opendata.project, project_id=project_id)


@router.get("/projects/{project_id}/contributions", response_model=ContributionPage)
async def list_contributions(project_id: Id, cursor: Cursor = None,
                             limit: Limit = 20) -> ContributionPage:
    """A project's contributions; authors are per-project tags that name no one."""
    rows, nxt = await _call(opendata.contributions, project_id=project_id, cursor=cursor,
                            limit=limit)
    return ContributionPage(data=rows, next_cursor=nxt)


@router.get("/contributions/{contribution_id}", response_model=opendata.ContributionData)
async def get_contribution(contribution_id: Id):
    return await _call(opendata.contribution, contribution_id=contribution_id)


@router.get("/phases/{phase_id}/data", response_model=opendata.PhaseOpenData)
async def get_phase_data(phase_id: Id):
    """A phase's own public data, for modules whose phases hold their own records
    (e.g. results once published); contributions are listed per project."""
    return await _call(opendata.phase_data, phase_id=phase_id)


@router.get("/projects/{project_id}/export.json", response_class=Response,
            responses={200: {"content": {"application/json": {}},
                             "description": "The project and all its contributions"}})
async def export_json(project_id: Id) -> Response:
    text = await _call(opendata.export_json, project_id=project_id)
    return Response(text, media_type="application/json")


@router.get("/projects/{project_id}/export.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}},
                             "description": "All the project's contributions, one per row"}})
async def export_csv(project_id: Id) -> Response:
    text = await _call(opendata.export_csv, project_id=project_id)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="civo-project-{project_id}.csv"'})


def _module_routes() -> None:
    """Each module's own open-data routes (``ModuleSpec.api``), under the same prefix and
    rate limit; the core never names a module."""
    from civo.modules import MODULES

    for spec in MODULES:
        sub = spec.api_router()
        if sub is not None:
            router.include_router(sub)


_module_routes()
