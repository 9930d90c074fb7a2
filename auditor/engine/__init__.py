"""Stage 3: policies (YAML + CEL) x profile x waivers -> findings.

``load_pack`` reads and compiles every policy, profile and framework once; ``evaluate``
runs them over an enriched inventory.
"""
