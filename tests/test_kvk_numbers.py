import pytest

from in2dmm_kvk.tools.kvk_numbers import (
    InvalidNumber,
    clean_kvk_number,
    clean_postcode,
    clean_rsin,
    clean_vat,
    clean_vestigingsnummer,
    compact_postcode,
    is_valid_kvk_number,
    is_valid_postcode,
    is_valid_rsin,
    is_valid_vat,
    is_valid_vestigingsnummer,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("69599084", "69599084"),
        (" 6959 9084 ", "69599084"),
        ("6959.9084", "69599084"),
        ("6959-9084", "69599084"),
        ("02076358", "02076358"),  # leading zero kept
        ("6959\u00a09084", "69599084"),
        (69599084, "69599084"),
    ],
)
def test_clean_kvk_number(value, expected):
    assert clean_kvk_number(value) == expected


@pytest.mark.parametrize("number", ["17037842", "24257403", "12345678"])
def test_kvk_number_has_no_check_digit(number):
    # real-looking numbers that fail a weighted mod-11 test are accepted
    assert clean_kvk_number(number) == number


@pytest.mark.parametrize(
    "value, reason",
    [
        ("", "empty"),
        (None, "empty"),
        (False, "empty"),
        ("  . ", "empty"),
        ("1234567", "length"),  # never padded to 01234567
        ("123456789", "length"),
        ("6959908A", "format"),
        ("6959/9084", "format"),
        ("\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "format"),  # non-ASCII
        ("00000000", "format"),
    ],
)
def test_bad_kvk_number(value, reason):
    with pytest.raises(InvalidNumber) as info:
        clean_kvk_number(value)
    assert info.value.kind == "kvk_number"
    assert info.value.reason == reason
    assert "KvK number" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert not is_valid_kvk_number(value)


def test_length_message_is_clear():
    with pytest.raises(ValueError, match=r"must have 8 digits; '1234567' has 7"):
        clean_kvk_number("1234567")


def test_vestigingsnummer():
    assert clean_vestigingsnummer("0000 3850 9504") == "000038509504"
    assert clean_vestigingsnummer("000038509504") == "000038509504"
    assert is_valid_vestigingsnummer("990000541921")
    for bad in ("38509504", "12345678", "0000385095041", "00003850950X"):
        assert not is_valid_vestigingsnummer(bad)
    with pytest.raises(InvalidNumber) as info:
        clean_vestigingsnummer("12345678")
    assert info.value.kind == "vestigingsnummer" and info.value.reason == "length"


@pytest.mark.parametrize(
    "rsin", ["851956099", "857587973", "992340597", "823807071", "992760562"]
)
def test_valid_rsin(rsin):
    assert clean_rsin(rsin) == rsin
    assert clean_rsin("%s.%s.%s" % (rsin[:4], rsin[4:6], rsin[6:])) == rsin


def test_rsin_eleven_test():
    # the VvE sample file carries 992340594, the recorded answer 992340597
    assert not is_valid_rsin("992340594")
    with pytest.raises(InvalidNumber) as info:
        clean_rsin("992340594")
    assert info.value.reason == "checksum"
    assert "11-proef" in str(info.value)
    with pytest.raises(InvalidNumber) as info:
        clean_rsin("12345")  # not zero-padded as stdnum's BSN compact would
    assert info.value.reason == "length"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("NL123456782B01", "NL123456782B01"),
        ("nl 1234.56.782.b01", "NL123456782B01"),
        ("NL000099998B57", "NL000099998B57"),  # sole trader, mod-97 number
        ("NL002455799B11", "NL002455799B11"),
        ("123456782B01", "NL123456782B01"),
    ],
)
def test_clean_vat(value, expected):
    assert clean_vat(value) == expected
    assert is_valid_vat(value)


@pytest.mark.parametrize(
    "value, reason",
    [
        ("", "empty"),
        ("NL123456789B01", "checksum"),
        ("NL1234B01", "length"),
        ("NL12345675B01", "length"),  # stdnum would pad it to 012345675
        ("NL123456782X01", "format"),
    ],
)
def test_bad_vat(value, reason):
    with pytest.raises(InvalidNumber) as info:
        clean_vat(value)
    assert info.value.kind == "vat" and info.value.reason == reason
    assert "Dutch VAT number" in str(info.value)


def test_postcode():
    assert clean_postcode("1034wl") == "1034 WL"
    assert clean_postcode(" 1034 WL ") == "1034 WL"
    assert compact_postcode("1034 wl") == "1034WL"
    for bad in ("0123 AB", "1034 SA", "1034 SS", "12345", "1034", "ABCD EF", ""):
        assert not is_valid_postcode(bad), bad
    with pytest.raises(InvalidNumber) as info:
        clean_postcode("0123AB")
    assert info.value.kind == "postcode"
    assert "not a valid Dutch postcode" in str(info.value)
