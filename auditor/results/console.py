"""The CLI's words in the run's language (``--lang``): the choice of language and the gate's summary line."""

from __future__ import annotations

from auditor.model.vocab import Lang, parse
from auditor.results.gate import EXIT_OK, GateResult

NBSP = "\u202f"  # French typography: a narrow no-break space before : ; ! ?
_SEV_FR = {"critical": "critique", "high": "élevée", "medium": "moyenne", "low": "faible", "info": "info"}
_VERDICT_FR = {"compliant": "conforme", "non-compliant": "non conforme", "incomplete": "incomplet"}


def lang(option: str | None, default: str) -> str:
    """``--lang`` when given (en or fr), else the configuration's."""
    return parse(Lang, option, "--lang").value if option is not None else default


def gate_summary(g: GateResult, lang: str) -> str:
    """The gate's one-line summary (``GateResult.summary`` is the English one)."""
    if lang != "fr":
        return g.summary
    parts = [f"{n} {_SEV_FR.get(sev, sev)}" for sev, n in g.failing.items() if n]
    text = f"{_VERDICT_FR.get(g.verdict.value, g.verdict.value)}{NBSP}: " + (
        ", ".join(parts) + " en échec" if parts else "aucun constat en échec")
    if g.waived:
        text += f", {g.waived} sous dérogation"
    if g.incomplete:
        text += f"{NBSP}; évaluation incomplète ({g.unknown} inconnus, {g.gaps} lacunes de couverture)"
        if g.exit_code == EXIT_OK:
            text += ", admis par --allow-unknown"
    sev = _SEV_FR.get(g.fail_on.value, g.fail_on.value)
    return text + f"{NBSP}; le contrôle échoue à partir de la sévérité {sev} -> code de sortie {g.exit_code}"
