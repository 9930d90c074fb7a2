"""A control's reference and out-of-scope note are per language; findings.json files written before hold one string."""

from __future__ import annotations

from auditor.model.codec import from_dict, to_dict
from auditor.model.findings import Control
from auditor.render.frameworks import out_of_scope, reference


def test_an_old_control_without_translations_still_loads_and_shows_its_english() -> None:
    old = {"framework": "GDPR", "control_id": "Art.44", "title": {"en": "Transfers"},
           "reference": "Regulation (EU) 2016/679, Art. 44", "out_of_scope": "not readable"}
    control = from_dict(Control, old)
    assert control.reference_text == {} and reference(control, "fr") == "Regulation (EU) 2016/679, Art. 44"
    assert out_of_scope(control, "fr") == "not readable"


def test_a_translated_control_round_trips_and_reads_in_french() -> None:
    control = Control("GDPR", "Art.44", {"en": "Transfers"}, "Regulation (EU) 2016/679, Art. 44",
                      reference_text={"en": "Regulation (EU) 2016/679, Art. 44",
                                      "fr": "Règlement (UE) 2016/679, art. 44"})
    again = from_dict(Control, to_dict(control))
    assert again == control and reference(again, "fr") == "Règlement (UE) 2016/679, art. 44"
