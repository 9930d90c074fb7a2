"""Waivers: an accepted risk, for one policy on matching resources, until a date.

A waiver needs a reason, an approver, a creation and an expiry date. An expired waiver, or
one whose lifetime exceeds ``waiver_max_days``, does not apply and is reported; a waiver
that matches nothing is reported as stale. Waived findings stay in every output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from auditor import yamlio
from auditor.engine.schemas import schema
from auditor.errors import PolicyError
from auditor.model.findings import WaiverRef


@dataclass(frozen=True, slots=True)
class Waiver:
    id: str
    policy: str  # policy id or glob
    resource: str  # glob on the resource id or name
    reason: str
    approver: str
    created: dt.date
    expires: dt.date
    location: str

    def matches(self, policy_id: str, resource_id: str, name: str) -> bool:
        return fnmatchcase(policy_id, self.policy) and (
            fnmatchcase(resource_id, self.resource) or fnmatchcase(name, self.resource)
        )

    def ref(self) -> WaiverRef:
        return WaiverRef(self.id, self.reason, self.approver, self.expires.isoformat())


@dataclass(frozen=True, slots=True)
class WaiverSet:
    active: tuple[Waiver, ...]
    notices: tuple[str, ...]  # expired / too long: reported, not applied


def _date(text: str, location: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PolicyError(f"{what}: {text!r} is not a date (YYYY-MM-DD)", location=location) from None


def load_waivers(path: Path | None, today: dt.date, max_days: int) -> WaiverSet:
    if path is None:
        return WaiverSet((), ())
    data = yamlio.load(path, PolicyError)
    yamlio.check(data, schema("waivers"), str(path), PolicyError)
    active: list[Waiver] = []
    notices: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(data["waivers"]):
        location = yamlio.where(data["waivers"], index)
        if item["id"] in seen:
            raise PolicyError(f"waiver id {item['id']!r} is used twice", location=location)
        seen.add(item["id"])
        waiver = Waiver(
            id=item["id"], policy=item["policy"], resource=item["resource"], reason=item["reason"],
            approver=item["approver"], created=_date(item["created"], location, "created"),
            expires=_date(item["expires"], location, "expires"), location=location,
        )
        if waiver.expires < waiver.created:
            raise PolicyError(f"waiver {waiver.id}: expires before it was created", location=location)
        if waiver.expires < today:
            notices.append(f"waiver {waiver.id} ({waiver.policy} on {waiver.resource}) expired on "
                           f"{waiver.expires.isoformat()} and no longer applies")
        elif (waiver.expires - waiver.created).days > max_days:
            notices.append(f"waiver {waiver.id} lasts {(waiver.expires - waiver.created).days} days, more than the "
                           f"{max_days} allowed by waiver_max_days: it does not apply")
        else:
            active.append(waiver)
    return WaiverSet(tuple(active), tuple(notices))
