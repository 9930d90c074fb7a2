"""The built-in demo estate: a fictional French hospital group, "Hôpitaux de la Loire".

``sample.py`` holds it as a ready-made inventory (``auditor demo --offline``); the AWS and
Azure parts can also be seeded into local emulators so the demo exercises the real connectors.
"""
