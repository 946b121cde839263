from decimal import Decimal

import pytest

from ukm_tools.errors import UkmError
from ukm_tools.numbers import parse_number


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("1.234.567,50", "id", "1234567.50"),
        ("1234567", "id", "1234567"),
        ("15.000", "id", "15000"),
        ("0,125", "id", "0.125"),
        ("Rp 2.500.000", "id", "2500000"),
        ("-3,5%", "id", "-3.5"),
        ("1,234,567.50", "en", "1234567.50"),
        ("0.55", "en", "0.55"),
        ("USD 1,000", "en", "1000"),
    ],
)
def test_reads_the_languages_convention(text, lang, expected):
    assert parse_number(text, lang) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,234,567.50", "1.5", "2,500.75"])
def test_english_input_in_indonesian_is_refused_with_a_suggestion(text):
    with pytest.raises(UkmError) as e:
        parse_number(text, "id", field="hpp")
    assert e.value.code == "number_other_convention"
    msg = e.value.message("id")
    assert "HPP per unit" in msg and "format Inggris" in msg


def test_indonesian_input_in_english_is_refused():
    with pytest.raises(UkmError) as e:
        parse_number("1.234.567,50", "en")
    assert e.value.code == "number_other_convention"
    assert "1,234,567.5" in e.value.message("en")


def test_ambiguous_input_is_not_guessed():
    with pytest.raises(UkmError) as e:
        parse_number("1,234", "id")
    assert e.value.code == "number_ambiguous"
    assert "1234" in e.value.message("id")


@pytest.mark.parametrize(
    "text,code", [("", "empty"), ("   ", "empty"), ("abc", "not_a_number"), ("1.2.3,4,5", "not_a_number")]
)
def test_rubbish_is_named(text, code):
    with pytest.raises(UkmError) as e:
        parse_number(text, "id")
    assert e.value.code == code


def test_other_convention_message_names_both_conventions_in_any_message_language():
    """A case file is read the Indonesian way even when `ukm quote --lang en` prints the message."""
    with pytest.raises(UkmError) as e:
        parse_number("1,234.50", "id", field="hpp")
    assert e.value.message("en").endswith(
        "is written the English way. Here numbers are written the Indonesian way (point = thousands, comma = "
        "decimal): write 1.234,5."
    )
    assert (
        "ditulis dengan format Inggris. Di sini angka ditulis dengan format Indonesia (titik = ribuan, koma = desimal)"
        in e.value.message("id")
    )
    with pytest.raises(UkmError) as e:
        parse_number("1.234.567,50", "en")
    assert (
        "is written the Indonesian way. Here numbers are written the English way (comma = thousands, point = "
        "decimal): write 1,234,567.5." in e.value.message("en")
    )
    assert (
        "format Indonesia. Di sini angka ditulis dengan format Inggris (koma = ribuan, titik = desimal)"
        in e.value.message("id")
    )
