"""Stage 2a: give every location of every resource its country and legal zone.

``resolve`` is pure: it returns a new :class:`Inventory` and never mutates the input. The catalog is
the only authority: a location whose region the catalog does not know gets country ``None`` and zone
``unknown`` (an ``unknown`` finding later), whatever a previous run wrote there.
"""

from __future__ import annotations

from auditor.geo.catalog import Place, locate
from auditor.geo.fast import evolve, no_gc
from auditor.model.inventory import DataLocation, Inventory, KeyManager, KeyRef, LocationRole, Resource, Zone


class _Resolver:
    """One pass over an inventory; equal locations (frozen, hashable) are resolved once."""

    def __init__(self) -> None:
        self.memo: dict[tuple[DataLocation, str], DataLocation] = {}

    def location(self, loc: DataLocation, provider: str) -> DataLocation:
        done = self.memo.get((loc, provider))
        if done is None:
            place = locate(loc.provider or provider, loc.region)
            same = loc.country == place.country and loc.zone is place.zone
            done = loc if same else evolve(loc, country=place.country, zone=place.zone)
            if len(self.memo) > 100_000:
                self.memo.clear()
            self.memo[(loc, provider)] = done
        return done

    def locations(self, locations: tuple[DataLocation, ...], provider: str) -> tuple[DataLocation, ...]:
        """The resolved tuple, or ``locations`` itself when nothing changed (hot path: kept flat)."""
        memo, out, changed = self.memo, [], False
        for loc in locations:
            done = memo.get((loc, provider)) or self.location(loc, provider)
            changed = changed or done is not loc
            out.append(done)
        return tuple(out) if changed else locations

    def key(self, key: KeyRef, resource: Resource) -> KeyRef:
        if key.manager is KeyManager.NONE:
            return key
        region = key.region
        if region is None and key.manager is KeyManager.PROVIDER:
            region = resource.region  # a provider-managed key lives with the service that uses it
        place: Place | None = None if region is None else locate(resource.provider, region)
        country, zone = (None, Zone.UNKNOWN) if place is None else (place.country, place.zone)
        locations = self.locations(key.locations, resource.provider)
        if key.country == country and key.zone is zone and locations is key.locations:
            return key
        return evolve(key, country=country, zone=zone, locations=locations)

    def resource(self, resource: Resource) -> Resource:
        locations = self.locations(resource.locations, resource.provider)
        for loc in locations:
            if loc.role is LocationRole.PRIMARY:
                break
        else:
            locations = (self.location(DataLocation(region=resource.region), resource.provider), *locations)
        key = resource.encryption
        if key is not None:
            key = self.key(key, resource)
        if locations is resource.locations and key is resource.encryption:
            return resource
        return evolve(resource, locations=locations, encryption=key)


def resolve(inventory: Inventory) -> Inventory:
    """Every ``DataLocation`` (and key) gets ``country`` and ``zone``; a missing primary location is added."""
    resolver = _Resolver()
    with no_gc():
        return evolve(inventory, resources=tuple([resolver.resource(r) for r in inventory.resources]))
