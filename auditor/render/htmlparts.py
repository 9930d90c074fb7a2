"""Small HTML fragments the report repeats thousands of times, built in Python (a Jinja macro call costs
far more). Every value from the data is escaped with ``markupsafe.escape``; control characters are dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from auditor.render.base import strip_controls
from auditor.render.i18n import Translator
from auditor.results.unclassified import is_group

if TYPE_CHECKING:
    from auditor.render.view import FindingView


def _s(value: object) -> str:
    return strip_controls(str(value)) if value is not None else ""


class Parts:
    def __init__(self, t: Translator) -> None:
        self.t = t
        self._badges: dict[tuple[str, str], Markup] = {}

    def _badge(self, cls: str, prefix: str, value: str) -> Markup:
        key = (prefix, value)
        if key not in self._badges:
            label = self.t(f"{prefix}.{value}") if self.t.has(f"{prefix}.{value}") else _s(value)
            self._badges[key] = Markup('<span class="{0} {1}-{2}">{3}</span>').format(
                cls, cls[:1] if cls == "sev" else cls[:2] if cls == "st" else "z", _s(value), label)
        return self._badges[key]

    def sev(self, value: str) -> Markup:
        return self._badge("sev", "severity", value)

    def status(self, value: str) -> Markup:
        return self._badge("st", "status", value)

    def zone(self, value: str | None) -> Markup:
        return self._badge("zone", "zone", value or "unknown")

    def place(self, region: str | None, country: str | None, country_name: str | None, zone: str | None) -> Markup:
        parts = [str(escape(_s(region)))] if region else []
        if country:
            parts.append(f'<abbr title="{escape(_s(country_name or country))}">{escape(_s(country))}</abbr>')
        parts.append(str(self.zone(zone)))
        return Markup(" · ".join(parts))  # noqa: S704 - every part escaped above

    def row(self, fv: FindingView) -> Markup:
        """The attributes of a finding's table row: anchor and what the filters read."""
        return Markup(  # noqa: S704 - every part escaped
            f' id="{fv.anchor}" class="f" data-sev="{fv.f.severity.value}" data-prov="{escape(_s(fv.f.provider))}"'
            f' data-fw="{escape(_s(fv.fw))}"')

    def resource(self, fv: FindingView) -> Markup:
        name = escape(_s(fv.resource_name))
        out = f'<a href="#{fv.dataset}">{name}</a>' if fv.dataset else str(name)
        if fv.resource_name != fv.f.resource_id:
            out += f'<br><code class="rid">{escape(_s(fv.f.resource_id))}</code>'
        if is_group(fv.f):  # a count of unclassified stores: their ids on demand
            ids = "".join(f"<li><code>{escape(_s(i))}</code></li>" for i in fv.f.evidence)
            out += (f'<details class="ids"><summary>{self.t("group.ids", n=len(fv.f.evidence))}</summary>'
                    f'<ul class="plain">{ids}</ul></details>')
        if fv.new:
            out += f' <span class="new">{self.t("since.new_badge")}</span>'
        return Markup(out)  # noqa: S704 - every part escaped above
