"""The error catalog: every raise site names a key both languages have, with the values its texts need;
an error reads the same in English as before the catalog, and in French with French typography."""

from __future__ import annotations

import ast
import errno
import pickle
import string
from pathlib import Path

import pytest

from auditor.errors import AuditorError, ConfigError, ConnectorError, InputError, OutputError, PolicyError
from auditor.errors.lang import error_line, language, os_error_line
from auditor.errors.texts import ERRORS

ROOT = Path(__file__).resolve().parents[1] / "auditor"
ERROR_CLASSES = {"AuditorError", "ConfigError", "PolicyError", "InputError", "OutputError", "ConnectorError"}
# Callables that build an error from a key: the classes, ``error`` (an error class passed as an argument,
# fsio.read_input and yamlio) and fsio's ``_oserror(exc, path, KEY)``.
BUILDERS = ERROR_CLASSES | {"error"}
NBSP = "\u202f"


def _fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _strings(node: ast.AST | None) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)] \
        if node is not None else []


def check_source(source: str, where: str) -> list[str]:
    """What is wrong with the error keys the raise sites of ``source`` use (empty when all is well)."""
    problems = []
    builders = BUILDERS if "auditor.errors" in source else ERROR_CLASSES  # another module's error() is not ours
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        name = node.func.id
        if name == "_oserror" and len(node.args) == 3:
            key_node: ast.expr | None = node.args[2]
            given = {"reason"}
        elif name in builders and node.args:
            key_node = node.args[0]
            given = {k.arg for k in node.keywords if k.arg not in (None, "location", "hint")}
        else:
            continue
        here = f"{where}:{node.lineno}"
        if isinstance(key_node, ast.Attribute) and key_node.attr == "key":
            continue  # the same error raised again as another class (``exc.key, **exc.params``)
        if isinstance(key_node, ast.Name) and key_node.id == "key":
            continue  # a helper's parameter: its callers' keys are checked (``_oserror``, yamlio's schema checks)
        if not (isinstance(key_node, ast.Constant) and isinstance(key_node.value, str)):
            problems.append(f"{here}: {name}(...) needs a literal key of the error catalog")
            continue
        keys = [key_node.value]
        hint = next((k.value for k in node.keywords if k.arg == "hint"), None)
        keys += [s for s in _strings(hint) if s.startswith("hint.")]
        spread = any(k.arg is None for k in node.keywords)
        for key in keys:
            entry = ERRORS.get(key)
            if entry is None or not all(entry):
                problems.append(f"{here}: {key!r} is not in the error catalog in both languages")
                continue
            missing = (_fields(entry[0]) | _fields(entry[1])) - given
            if missing and not spread:
                problems.append(f"{here}: {key!r} needs {sorted(missing)}")
    return problems


def test_every_raise_site_names_a_key_the_catalog_has_in_both_languages_with_its_values() -> None:
    problems: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        problems += check_source(path.read_text("utf-8"), str(path.relative_to(ROOT.parent)))
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_a_key_missing_from_the_catalog_or_a_missing_value() -> None:
    bad = ('raise ConfigError("config.no-such-key")\n'
           'raise PolicyError(f"free text {x}")\n'
           'raise ConfigError("cli.last")\n'
           'raise InputError("plan.binary", hint="hint.no-such-hint")\n')
    problems = check_source(bad, "x.py")
    assert [p.split(": ", 1)[0] for p in problems] == ["x.py:1", "x.py:2", "x.py:3", "x.py:4"]
    assert "needs ['last']" in problems[2]


def test_every_entry_has_both_texts_that_format_and_french_is_not_english() -> None:
    from auditor.errors.render import render

    same = {"cloud.failed", "hint.credential", "hint.postgres-extra", "input.schema", "schema.other"}  # no words
    for key, (en, fr) in ERRORS.items():
        assert en.strip() and fr.strip(), key
        values = {name: "x" for name in _fields(en) | _fields(fr)}
        values.update({n: 1000 for n in ("cost", "budget") if n in values})
        assert render(key, values, "en") and render(key, values, "fr"), key
        assert (fr.replace(" ", "") == en.replace(" ", "")) == (key in same) or key.startswith("schema."), key
        assert f" {NBSP}" not in fr and NBSP not in en, key  # typography is applied when shown


def test_every_schema_check_yamlio_translates_has_an_entry() -> None:
    from auditor import yamlio

    assert {f"schema.{check}" for check in (*yamlio.SCHEMA_CHECKS, "required", "additional", "type", "other")} \
        <= set(ERRORS)


def test_a_schema_error_in_french_names_what_failed(tmp_path: Path) -> None:
    from auditor import yamlio

    schema = {"type": "object", "properties": {"lang": {"enum": ["en", "fr"]}, "n": {"type": "integer"}},
              "required": ["lang"], "additionalProperties": False}
    cases = [("lang: de\n", "lang: 'de' is not one of ['en', 'fr']", f"lang{NBSP}: 'de' ne fait pas partie de"),
             ("lang: en\nfoo: 1\n", "Additional properties are not allowed ('foo' was unexpected)",
              f"clé non prévue{NBSP}: 'foo'"),
             ("n: 1\n", "'lang' is a required property", "la clé 'lang' est obligatoire"),
             ("lang: en\nn: x\n", "n: 'x' is not of type 'integer'", "n'est pas du type attendu (entier)")]
    for text, english, french in cases:
        with pytest.raises(ConfigError) as caught:
            yamlio.check(yamlio.loads(text, "a.yaml"), schema, "a.yaml", ConfigError)
        assert caught.value.message == english and french in caught.value.text("fr"), text
        assert caught.value.location and caught.value.location.startswith("a.yaml:")


def test_english_lines_are_what_they_were_before_the_catalog() -> None:
    error = PolicyError("policy.waiver-expires-first", location="waivers.yaml:4", id="W-1")
    assert error.one_line() == "waivers.yaml:4: waiver W-1: expires before it was created"
    assert str(error) == error.message == "waiver W-1: expires before it was created"
    hinted = InputError("plan.binary", location="plan.bin:1", hint="hint.terraform-show")
    assert hinted.hint == "produce it with: terraform show -json PLANFILE > plan.json"
    assert hinted.one_line().endswith("not its JSON (produce it with: terraform show -json PLANFILE > plan.json)")
    budget = PolicyError("policy.cel-budget", what="policy X", cost=12000, limits="n", budget=5000)
    assert "up to 12,000 units" in budget.message and "budget of 5,000:" in budget.message
    assert ConfigError("a text, not a key").one_line("fr") == "a text, not a key"  # shown as it is


def test_french_lines_have_french_typography() -> None:
    error = PolicyError("policy.waiver-expires-first", location="waivers.yaml:4", id="W-1")
    assert error.one_line("fr") == f"waivers.yaml:4{NBSP}: dérogation W-1{NBSP}: expire avant d'avoir été créée"
    assert error_line(error, "fr").startswith(f"erreur{NBSP}: waivers.yaml:4{NBSP}:")
    assert error_line(error, "en").startswith("error: waivers.yaml:4: waiver W-1")
    budget = PolicyError("policy.cel-budget", what="X", cost=12000, limits="n", budget=5000)
    assert f"12{NBSP}000 unités" in budget.text("fr") and f"budget de 5{NBSP}000{NBSP}:" in budget.text("fr")
    hint = ConfigError("cli.region-owner", hint="hint.did-you-mean", option="--region", region="westeurope",
                       owner="an Azure", provider="an AWS", owner_name="Azure", provider_name="AWS", near="eu-west-1")
    assert hint.one_line("fr") == (f"--region 'westeurope' est une région Azure, pas AWS "
                                   f"(vouliez-vous dire eu-west-1{NBSP}?)")
    assert hint.one_line() == "--region 'westeurope' is an Azure region, not an AWS one (did you mean eu-west-1?)"


def test_values_that_are_errors_lists_system_reasons_and_bilingual_texts() -> None:
    inner = InputError("input.missing-field", path="resource", field="name")
    assert PolicyError("policy.example-resource", error=inner).text("fr") == \
        f"ressource d'exemple{NBSP}: resource{NBSP}: champ manquant 'name'"
    both = ConnectorError("cloud.failed", failures=[
        ConnectorError("cloud.aws-no-credentials", hint="hint.aws-sign-in").at("aws"),
        ConnectorError("cloud.azure-unreachable", endpoint="https://arm", error="timed out").at("azure")])
    assert both.one_line().startswith("aws: no AWS credentials found (set AWS_PROFILE")
    assert "; azure: cannot list Azure subscriptions at https://arm: timed out" in both.one_line()
    assert f"{NBSP}; azure{NBSP}: impossible de lister les abonnements Azure" in both.one_line("fr")
    full = OSError(errno.ENOSPC, "No space left on device", "/out/report.html")
    written = OutputError("output.cannot-write", location="/out/report.html", reason=full)
    assert written.one_line() == "/out/report.html: cannot write: No space left on device"
    assert written.one_line("fr") == f"/out/report.html{NBSP}: écriture impossible{NBSP}: plus de place sur le disque"
    assert os_error_line(full, "fr") == f"erreur{NBSP}: /out/report.html{NBSP}: plus de place sur le disque"
    hinted = ConfigError("cli.no-credential", hint="hint.credential",
                         how=[{"en": "AWS: set it", "fr": "AWS : posez-le"}])
    assert hinted.one_line() == "no cloud credential found: nothing to audit (AWS: set it)"
    assert hinted.one_line("fr").endswith(f"(AWS{NBSP}: posez-le)")


def test_an_error_survives_pickling_with_its_values() -> None:
    error = PolicyError("policy.waiver-id-twice", location="w.yaml:3", id="W-1")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is PolicyError and again.one_line("fr") == error.one_line("fr")


@pytest.mark.parametrize(("argv", "config", "expected"), [
    (["plan", "p.json", "--lang", "fr"], None, "fr"),
    (["plan", "p.json", "--lang=FR"], None, "fr"),
    (["plan", "p.json", "--lang", "de"], None, "en"),
    (["plan", "p.json", "-c", "fr.yaml"], "lang: fr\n", "fr"),
    (["plan", "p.json", "--config", "fr.yaml", "--lang", "en"], "lang: fr\n", "en"),
    (["plan", "p.json", "-c", "fr.yaml"], "lang: fr\nnot_a_key: 1\n", "en"),  # the config is what is wrong
    (["plan", "p.json", "-c", "absent.yaml"], None, "en"),
])
def test_the_language_of_an_error_comes_from_the_command_line_else_the_configuration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], config: str | None, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    if config is not None:
        (tmp_path / "fr.yaml").write_text(config, "utf-8")
    assert language(argv) == expected


def test_the_default_configuration_file_gives_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "auditor.yaml").write_text("lang: fr\n", "utf-8")
    assert language(["scan"]) == "fr"


def test_an_error_subclass_keeps_its_exit_code() -> None:
    assert ConnectorError("cloud.aws-no-credentials").exit_code == 3
    assert isinstance(AuditorError("config.pdf-extra"), Exception)


def test_the_parsers_words_and_value_types_in_french(tmp_path: Path) -> None:
    from auditor import yamlio
    from auditor.model.codec import from_dict
    from auditor.model.inventory import CoverageGap

    with pytest.raises(InputError) as caught:
        yamlio.loads("a: [1, 2\n", "x.yaml")
    assert caught.value.message == "YAML syntax error: expected ',' or ']', but got '<stream end>'"
    assert caught.value.text("fr") == f"erreur de syntaxe YAML{NBSP}: ',' or ']' attendu, trouvé '<stream end>'"
    with pytest.raises(InputError) as caught:
        yamlio.loads("a: b: c\n", "x.yaml")
    assert "valeur de dictionnaire inattendue" in caught.value.text("fr")
    with pytest.raises(InputError) as caught:
        from_dict(CoverageGap, {"provider": ["aws"], "service": "s3", "reason": "access-denied", "error": "x"}, "gap")
    assert caught.value.message == "gap.provider: expected str, got list"
    assert caught.value.text("fr") == f"gap.provider{NBSP}: texte attendu, reçu liste"
