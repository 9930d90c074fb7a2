"""``--lang fr``: the diff, the history table and the run summary a console shows are French."""

from __future__ import annotations

from auditor.console import summary
from auditor.model.findings import FindingsDoc, Run, Severity
from auditor.model.inventory import CoverageGap
from auditor.results.console import gate_summary
from auditor.results.diff import diff
from auditor.results.diff_text import markdown, text
from auditor.results.gate import gate
from tests.results.test_diff import LATER, RUN, f, snap


def _diff():
    gap = CoverageGap("aws", "kms", "access-denied", "AccessDenied: not authorized", account="1")
    old = snap(RUN, f("A", "r1", "medium"), f("C", "r3"))
    new = snap(LATER, f("A", "r1", "critical"), f("G", "r7", "low"), gaps=(gap,))
    return diff(old, new)


def test_diff_text_in_french():
    out = text(_diff(), lang="fr")
    assert "1 nouveaux (1 faible), 1 résolus, 1 toujours ouverts, 1 modifiés, 1 nouvelles lacunes de couverture" in out
    assert "Nouveaux (1)" in out and "Résolus (1)" in out and "moyenne/échec -> critique/échec" in out
    # the cloud's own error is quoted as it is
    assert ("kms\u202f: accès refusé (erreur renvoyée par le cloud\u202f: «\u202fAccessDenied: not authorized\u202f»"
            in out)
    assert "new" not in out.replace("Nouveaux", "") and "resolved" not in out
    assert "1 new (1 low)" in text(_diff())  # English unchanged


def test_diff_markdown_in_french():
    out = markdown(_diff(), lang="fr")
    assert out.startswith("**Modifications de l'audit**\u202f:") and "| sévérité | règle | ressource | constat |" in out


def test_run_summary_in_french():
    doc = FindingsDoc(Run("1", "hds", "sha256:x", "2026-01-01T02:00:00Z", "2026-01-01T02:05:00Z"), (),
                      (f("A", "r1", "critical"),), ())
    g = gate(doc, Severity.HIGH, allow_unknown=False)
    assert gate_summary(g, "en") == g.summary
    assert gate_summary(g, "fr") == ("non conforme\u202f: 1 critique en échec\u202f; le contrôle échoue à partir de "
                                     "la sévérité élevée -> code de sortie 1")
    lines = summary(doc, g, [], 0.0, "fr")
    assert lines[0] == ("0 stockages de données audités (dont 0 avec des données de santé) dans aucun compte "
                        f"({doc.run.source}), profil hds.")
    assert lines[-1] == "Durée\u202f: 0 s"


def test_merge_notices_in_french():
    from auditor.engine.wording import notice

    english = ["shard 2/3 given 2 times (a.json, b.json): all kept", "some inputs are not shard results: x.json",
               "overlap: 3 resources were audited by more than one shard (a, b, c); 1 of them differ between shards "
               "(the first shard's copy is kept)",
               "shard 3/3 is missing: its accounts and subscriptions were not audited"]
    french = [notice(text, "fr") for text in english]
    assert french[0] == "fragment 2/3 donné 2 fois (a.json, b.json) : tous gardés"
    assert french[2].startswith("chevauchement : 3 ressources") and "premier fragment" in french[2]
    assert all(f != e for f, e in zip(french, english, strict=True))
    assert [notice(text, "en") for text in english] == english
