"""The French report is French throughout: its visible text holds no English word or phrase.

What is scanned is what a reader sees, minus what is quoted as it is: code (``<code>``: ids, tag names and
values, raw cloud errors), scripts and styles, the cloud's own error text quoted in a message
(« … » after "le cloud :"), product and legal names, and identifiers (anything with ``_ / : . = |``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from auditor.model.findings import FindingsDoc
from auditor.render.html import render
from tests.render.conftest import build_options, build_previous

# Common English words and the tool's English vocabulary; none of them is also a French word.
ENGLISH = frozenset(re.findall(r"\S+", """
the and of is are was were with without not from for to by this that which could cannot only when where who
into outside inside replica primary backup snapshot operator unclassified matched matches rule raises lowers
profile account bucket key keys region regions provider private read write unknown none store stores storage
data health has have been be any every its their it at on or as if than then third adequacy worldwide waiver
expired stale disables allows requirement requirements scope kinds
"""))
# Product and body names a French text keeps as they are.
PROPER_NAMES = ("Azure Backup", "EU Data Boundary", "Sovereignty Baseline", "Key Vault", "Managed HSM", "AWS Backup",
                "Control Tower", "Front Door", "Natural Earth", "world-atlas", "EU Cloud Sovereignty Framework",
                "Data Privacy Framework")
_CLOUD_QUOTE = re.compile(r"le cloud\s*:\s*«[^»]*»")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")  # AT, BE, IT: ISO country codes, not English words
_IDENTIFIER = re.compile(r"\S*[_/:.=|@]\S*")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            return
        skip = tag in ("code", "script", "style", "title")
        self.stack.append((tag, skip))
        self.skip += skip

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, skip = self.stack.pop()
            self.skip -= skip
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_in(html: str) -> dict[str, list[str]]:
    parser = _Visible()
    parser.feed(html)
    return _english(parser.texts)


_CODE_SPAN = re.compile(r"(`+).*?\1")


def english_in_markdown(md: str) -> dict[str, list[str]]:
    """The same scan over a Markdown summary, code spans (ids, the cloud's errors) left out."""
    return _english([_CODE_SPAN.sub(" ", line) for line in md.splitlines() if line.strip()])


def _english(texts: list[str]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for text in texts:
        shown = _CLOUD_QUOTE.sub(" ", text)
        for name in PROPER_NAMES:
            shown = shown.replace(name, " ")
        shown = _IDENTIFIER.sub(" ", shown)
        for word in re.findall(r"[^\W\d_][\w'-]*", shown):
            if word.lower() in ENGLISH and not _COUNTRY_CODE.fullmatch(word):
                hits.setdefault(word.lower(), []).append(text[:160])
    return hits


def test_the_scanner_catches_english() -> None:
    html = ("<p>loire a des copies : replica us-east-1 (US, third)</p><p>profile hds raises JUR-001</p>"
            "<p><code>the data</code> AWS-CT:AWS-GR_S3_BUCKET_PUBLIC_READ le cloud : « access denied for the key »</p>")
    assert set(english_in(html)) == {"replica", "third", "profile", "raises"}


def _english_only(doc: FindingsDoc) -> set[str]:
    """The fixture's own texts written in English only, and waiver reasons: a report shows them as written."""
    findings = (*doc.findings, *build_previous(doc).findings)  # the previous run's are shown as resolved
    texts = [t for f in findings for t in (f.title, f.message, f.remediation)]
    reasons = {f.waiver.reason for f in findings if f.waiver}  # the approver's own words, shown as written
    return {" ".join(t["en"].split())[:160] for t in texts if t.get("en") and not t.get("fr")} | reasons


def _same(shown: str, text: str) -> bool:
    shown = shown.strip("— ").strip()[:50]
    return bool(shown) and (shown in text or text[:50] in shown)


def test_fixture_report_in_french_has_no_english(doc: FindingsDoc) -> None:
    own = _english_only(doc)
    hits = {word: [t for t in texts if not any(_same(t, o) for o in own)]
            for word, texts in english_in(render(doc, build_options(doc, "fr"))).items()}
    hits = {word: texts for word, texts in hits.items() if texts}
    assert not hits, hits



def test_demo_report_in_french_has_no_english(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-m", "auditor", "demo", "--offline", "--lang", "fr", "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    # the clouds' service ids (s3, backup, ec2) are names a message quotes as they are
    services = {json.dumps(r["service"])[1:-1] for r in json.loads((out / "inventory.json").read_text())["resources"]}
    hits = {w: t for w, t in english_in((out / "report.html").read_text("utf-8")).items() if w not in services}
    assert not hits, {word: texts[:3] for word, texts in hits.items()}
    hits = {w: t for w, t in english_in_markdown((out / "summary.md").read_text("utf-8")).items() if w not in services}
    assert not hits, {word: texts[:3] for word, texts in hits.items()}


def test_grant_conditions_and_copy_details_read_in_french() -> None:
    """What the connectors write about a grant or a copy: our words translated, the cloud's names kept as code."""
    from auditor.render.i18n import Translator
    from auditor.render.words import condition, detail

    fr, en = Translator("fr"), Translator("en")
    text = condition("Storage Blob Data Reader at /subscriptions/1; ForeignGroup: a group of another tenant", fr)
    assert text == ("rôle <code>Storage Blob Data Reader</code> sur <code>/subscriptions/1</code>; "
                    "groupe d'un autre tenant (<code>ForeignGroup</code>)")
    lighthouse = condition("Lighthouse 'Exploitation' from Infogérance <b>: Équipe as Contributor", fr)
    assert "délégation Lighthouse <code>Exploitation</code> de <code>Infogérance &lt;b&gt;</code>" in lighthouse
    assert condition("something new <i>", fr) == "<code>something new &lt;i&gt;</code>"  # unknown: quoted as is
    assert condition("Reader at /x", en) == "Reader at /x"
    assert detail("DataZoneStandard deployment gpt-4o-eu", fr) == \
        "déploiement <code>gpt-4o-eu</code> (<code>DataZoneStandard</code>)"
    assert not english_in(f"<p>{detail('vault region', fr)} {condition('condition: a == b', fr)}</p>")


def test_junit_and_sarif_labels_follow_the_language(doc: FindingsDoc, make_options: Any) -> None:
    """The test tab and the code-scanning alerts a French team reads: labels, waivers and gaps in French."""
    from auditor.render import RENDERERS

    junit = RENDERERS["junit"].render(doc, make_options(doc, "fr"))
    sarif = json.loads(RENDERERS["sarif"].render(doc, make_options(doc, "fr")))
    notices = [n["message"]["text"] for inv in sarif["runs"][0]["invocations"]
               for n in inv.get("toolExecutionNotifications", [])]
    justifications = [s["justification"] for r in sarif["runs"][0]["results"] for s in r.get("suppressions", [])]
    assert doc.coverage_gaps and justifications
    for english in ("could not be decided", "could not read", "waived:", "remediation:", "where:", "frameworks:",
                    "approved by"):
        assert english not in junit, english
    assert "où\u202f:" in junit and "indéterminé\u202f:" in junit and "dérogé\u202f:" in junit
    assert "lecture impossible de" in junit and "approuvée par" in junit
    assert notices and all(n.startswith("lacune de couverture\u202f:") for n in notices if "coverage" not in n)
    assert all("dérogation" in j and "approved by" not in j for j in justifications)
    english_run = RENDERERS["junit"].render(doc, make_options(doc, "en"))
    assert "where: " in english_run and "could not read" in english_run  # English unchanged


# Texts the connectors write into a grant's condition or a copy's detail, as they write them
# (connectors/azure/{storage,authorization,graph,keyvault,diagnostics,ml,sql}.py, connectors/gcp/{inherited,
# bigquery,storage,sql}.py, connectors/aws/s3_access.py): each reads in French, the cloud's names kept as code.
CONNECTOR_CONDITIONS = (
    "container radiologie-public publicAccess=Blob; network blocks the internet",
    "container blob",
    "guest consultant_labo.example#EXT#@loiresante.onmicrosoft.com",
    "Reader at /subscriptions/1; principal not found in the directory",
    "GetBucketPolicyStatus: IsPublic",
    "authorized view/routine/dataset: its readers see this data",
    "subscription managedByTenants; delegation details unreadable",
    "Lighthouse 'Exploitation': authorizations not listed",
    "access policy of key vault kv-sante: keys get, decrypt",
    "roles/storage.objectViewer; inherited from folders/123",
    "roles/bigquery.dataViewer if resource.name.startsWith('projects/p/datasets/d')",
    "networkAcls.resourceAccessRules: resources /subscriptions/x/providers/Microsoft.Synapse/workspaces/* of tenant "
    "72f988bf pass the firewall and read with their managed identity's roles",
    "network_rules.private_link_access: /subscriptions/x/y of tenant 72f988bf passes the firewall",
)
CONNECTOR_DETAILS = ("log analytics workspace", "event hub", "RAGRS, secondaryLocation",
                     "Geo, defaultSecondaryLocation", "dual-region EUR4: every object in each region",
                     "dual-region EUR4", "workspace compute",
                     "Geo (Azure SQL default)", "default: the multi-region nearest the instance",
                     "default location not documented for this region or universe")


def test_the_connectors_common_phrases_read_in_french() -> None:
    from markupsafe import escape

    from auditor.render.i18n import Translator
    from auditor.render.words import condition, detail

    fr, en = Translator("fr"), Translator("en")
    shown = [str(condition(c, fr)) for c in CONNECTOR_CONDITIONS] + [str(detail(d, fr)) for d in CONNECTOR_DETAILS]
    assert not english_in("".join(f"<p>{_CODE.sub(' ', s)}</p>" for s in shown)), shown
    for text, out in zip((*CONNECTOR_CONDITIONS, *CONNECTOR_DETAILS), shown, strict=True):
        for part, said in zip(text.split("; "), out.split("; "), strict=True):
            assert said != f"<code>{escape(part)}</code>", part  # a part left as code is a phrase not translated
    assert condition("GetBucketPolicyStatus: IsPublic", en) == "GetBucketPolicyStatus: IsPublic"  # English as written


_CODE = re.compile(r"<code>.*?</code>")
