"""The built-in demo estate: a fictional French hospital group, "Hôpitaux de la Loire".

The AWS, Azure, Google Cloud and S3NS parts are seeded into local emulators so the demo exercises the real connectors
(``auditor demo``); ``sample.py`` holds a smaller hand-written inventory of the same group for
``auditor demo --offline`` (no emulator).

Why the emulators ship in the package: ``auditor demo`` runs them at run time (the moto server
wiring and its gap-fillers in ``moto_server.py`` / ``aws_fakes.py``, the HTTPS fake ARM in
``fakearm.py`` with its response bodies in ``armjson*.py``), so that anyone can see a full audit
without a cloud account. They are reached only through ``auditor.demo.run`` (imported by the CLI's
``demo`` command when it runs), which loads them only for a live demo; ``tests/test_architecture.py``
keeps every other module of the package away from them. ``fakegcp.py`` is an HTTPS Google Cloud
REST fake: the demo serves the group's Google Cloud project and its S3NS twin on it (``gcp_demo.py``,
one fake per universe), and the Google Cloud tests a larger organisation (``gcp_estate.py``).
"""
