"""The built-in demo estate: a fictional French hospital group, "Hôpitaux de la Loire".

The AWS and Azure parts are seeded into local emulators so the demo exercises the real connectors
(``auditor demo``); ``sample.py`` holds a smaller hand-written inventory of the same group for
``auditor demo --offline`` (no emulator).
"""
