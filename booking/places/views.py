"""``GET /api/v1/municipalities/resolve``: from what a person typed to the office responsible for them."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from booking.deps import ReadSessionDep
from booking.i18n import Language
from booking.places import service

router = APIRouter(prefix="/api/v1/municipalities", tags=["municipalities"])


class OfficeBrief(BaseModel):
    id: str
    name: str
    address: str
    phone: str
    opening_hours: str
    serves: str


class MatchOut(BaseModel):
    municipality: str
    postal_codes: list[str]
    district: str
    office: OfficeBrief | None
    score: float


class ResolveOut(BaseModel):
    status: Literal["found", "ambiguous", "outside", "unknown"]
    matches: list[MatchOut]


@router.get("/resolve", response_model=ResolveOut)
def resolve(
    request: Request,
    session: ReadSessionDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    lang: Language = "de",
) -> ResolveOut:
    """Town names with typos, without umlauts, in Arabic or Cyrillic script, exonyms, or postal codes."""
    resolution, rows = service.resolve(session, cache=request.app.state.resolver_cache, query=q)
    matches = []
    for match in resolution.matches:
        municipality = rows.get(match.place.key)
        if municipality is None:
            continue
        office = municipality.office
        matches.append(
            MatchOut(
                municipality=municipality.name,
                postal_codes=[p.code for p in municipality.postal_codes],
                district=municipality.district.name,
                office=None
                if office is None
                else OfficeBrief(
                    id=office.id,
                    name=office.name,
                    address=office.address,
                    phone=office.phone,
                    opening_hours=office.text("opening_hours", lang),
                    serves=office.text("serves", lang),
                ),
                score=round(match.score, 1),
            )
        )
    return ResolveOut(status=resolution.status, matches=matches)
