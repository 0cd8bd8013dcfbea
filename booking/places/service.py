"""Looking up municipalities and resolving what a person typed to the office responsible for them."""

from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.places.models import Municipality, OutsideHomonym
from booking.places.resolve import OutsidePlace, Place, Resolution, Resolver


def get_by_name(session: Session, *, name: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.name == name))


def list_municipalities(session: Session) -> list[Municipality]:
    query = select(Municipality).options(selectinload(Municipality.postal_codes)).order_by(Municipality.name)
    return list(session.scalars(query))


def build_resolver(session: Session) -> Resolver:
    """A resolver over every municipality and known outside homonym in the database."""
    places = [
        Place(
            key=m.name,
            name=m.name,
            district=m.district.name,
            postal_codes=tuple(p.code for p in m.postal_codes),
            aliases=tuple(alias for aliases in (m.aliases or {}).values() for alias in aliases),
        )
        for m in list_municipalities(session)
    ]
    outside = [
        OutsidePlace(name=h.name, postal_codes=tuple(h.postal_codes), state=h.state)
        for h in session.scalars(select(OutsideHomonym))
    ]
    return Resolver(places, outside)


class ResolverCache:
    """Builds the resolver once per process; ``invalidate()`` after municipalities change."""

    def __init__(self) -> None:
        self._resolver: Resolver | None = None
        self._lock = Lock()

    def get(self, session: Session) -> Resolver:
        with self._lock:
            if self._resolver is None:
                self._resolver = build_resolver(session)
            return self._resolver

    def invalidate(self) -> None:
        with self._lock:
            self._resolver = None


def resolve(session: Session, *, cache: ResolverCache, query: str) -> tuple[Resolution, dict[str, Municipality]]:
    """Resolve free text; returns the resolution and the matched municipalities by name."""
    resolution = cache.get(session).resolve(query)
    names = [match.place.key for match in resolution.matches]
    rows = session.scalars(select(Municipality).where(Municipality.name.in_(names))) if names else []
    return resolution, {m.name: m for m in rows}
