"""A broadcast's words: the name filled in as phones type it, any other braces pointed out."""

from __future__ import annotations

from bot.domain.broadcasts.compose import text_for, unknown_tags


def test_the_name_in_any_case_is_filled_in_and_other_braces_are_named_once() -> None:
    text = "Halo {Nama}, rapat di {desa} jam {jam}; { nama } dari {desa}."
    assert text_for(text, {}, language="id", name="Siti") == (
        "Halo Siti, rapat di {desa} jam {jam}; Siti dari {desa}."
    )
    assert unknown_tags(text, "Hi {name}, see {village}", "{}") == ["{desa}", "{jam}", "{village}"]
    assert unknown_tags("Halo {nama}, pengering tiba Kamis.") == []
