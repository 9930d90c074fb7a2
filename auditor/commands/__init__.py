"""The command layer: what each ``auditor`` command does beyond calling one pipeline function.

:mod:`auditor.cli` parses the options and turns errors into one line and an exit code; a command
whose work is more than one call lives here, one module per command (or group of commands):

``report``    render a saved findings.json again (``auditor report``)
``policies``  plain-text views of the policy pack (``auditor policies list|show``)
``regions``   the geography catalog as a table (``auditor regions``)
``catalog``   the dated, sourced facts behind the verdicts (``auditor catalog``)
``evidence``  a signed manifest of the outputs (``auditor sign|verify``)
``history``   the recorded runs (``auditor history``)
``diff``      what changed between two runs, and its exit code (``auditor diff``)

They share one reader of saved documents (:mod:`auditor.model.documents`), one writer of outputs
(:func:`auditor.render.write_reports`), one check of option values (:mod:`auditor.model.vocab`)
and one "what changed" (:func:`auditor.results.diff.diff`, also the reports' "since last run").

The stages below never import this package (``tests/test_architecture.py``).
"""
