"""Stage 2a: where each place is (country, legal zone) and whose law reaches the provider.

* :mod:`auditor.geo.zones` — country -> legal zone (eu, eea, adequacy, third, unknown), adequacy decisions;
* :mod:`auditor.geo.catalog` — ``locate(provider, region)`` -> :class:`~auditor.geo.catalog.Place`;
* :mod:`auditor.geo.jurisdiction` — provider (and offering) -> exposure and qualifications;
* :mod:`auditor.geo.resolve` — fills country and zone into an inventory; the ``auditor regions`` table.

The facts live in ``data/*.yaml`` with their sources; a region is one line there.
"""
