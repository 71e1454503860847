"""Parsing the recorded and constructed KvK answers in data/kvk."""

from datetime import date

import pytest
from fake_kvk import load_body

from in2dmm_kvk.tools.kvk_parse import (
    Change,
    Establishment,
    KvkParseError,
    country_code,
    diff,
    parse_address,
    parse_basisprofiel,
    parse_date,
    parse_flag,
    parse_naamgeving,
    parse_search,
    parse_vestigingen,
    parse_vestigingsprofiel,
    to_partner_values,
)

# ------------------------------------------------------------------ basics --


def test_dates_and_flags():
    assert parse_date("20170710") == date(2017, 7, 10)
    assert parse_date("19950000") is None  # partial: unknown month and day
    assert parse_date("2017071") is None
    assert parse_date(None) is None
    assert parse_flag("Ja") is True and parse_flag("Nee") is False
    assert parse_flag(None) is None and parse_flag("?") is None


@pytest.mark.parametrize(
    "name, code",
    [
        ("Nederland", "NL"),
        ("Duitsland", "DE"),
        ("België", "BE"),
        ("belgie", "BE"),
        ("Verenigd Koninkrijk", "GB"),
        ("Curaçao", "CW"),
        ("Atlantis", ""),
        ("", ""),
    ],
)
def test_country_code(name, code):
    assert country_code(name) == code


# ------------------------------------------------------------------ Zoeken --


def test_search_recorded_kvk_number():
    page = parse_search(load_body("200_zoeken_kvkNummer-69599084"), assume_active=True)
    assert (page.page, page.per_page, page.total) == (1, 10, 2)
    assert len(page) == 2 and not page.has_next
    branch, main = page.results
    assert branch.type == "nevenvestiging" and main.type == "hoofdvestiging"
    assert main.kvk_number == "69599084"
    assert main.vestigingsnummer == "000038509504"
    assert main.name == "Test EMZ Dagobert"
    assert main.street == "Abebe Bikilalaan" and main.city == "Amsterdam"
    assert main.country_code == "NL" and main.active is True
    assert main.has_basisprofiel and main.has_vestigingsprofiel
    assert branch.city == "Maastricht"
    assert main.raw["naam"] == "Test EMZ Dagobert"


def test_search_recorded_postadres_and_rsin():
    page = parse_search(load_body("200_zoeken_rsin-992760562"))
    (result,) = page.results
    assert result.rsin == "992760562"
    assert result.address.type == "postadres" and result.address.is_postal
    assert result.city == "Sterksel" and result.street == ""
    assert result.active is None  # not assumed without assume_active


def test_search_foreign_post_box_and_inactive():
    page = parse_search(load_body("constructed_200_zoeken_naam-Grenswerk"))
    foreign, po_box, inactive = page.results
    assert foreign.type == "rechtspersoon"
    assert foreign.address.foreign
    assert foreign.street == "Hauptstraße 12"
    assert foreign.postcode == "47533" and foreign.city == "Kleve"
    assert foreign.country == "Duitsland" and foreign.country_code == "DE"
    assert foreign.vestigingsnummer == "" and foreign.active is True
    assert po_box.address.is_po_box and po_box.street == "Postbus 1234"
    assert po_box.city == "Nijmegen"
    assert inactive.active is False
    assert inactive.expired_name == "Grenswerk Oud B.V."
    assert not inactive.has_basisprofiel


def test_search_empty_page():
    page = parse_search(load_body("constructed_200_zoeken_naam-Grenswerk-pagina-5"))
    assert page.results == () and not page
    assert page.page == 5 and page.total == 3 and page.has_previous


def test_search_not_an_object():
    with pytest.raises(KvkParseError):
        parse_search(["not", "a", "dict"])


# ------------------------------------------------------------ Basisprofiel --


def test_basisprofiel_recorded_eenmanszaak():
    profile = parse_basisprofiel(load_body("200_basisprofielen_69599084"))
    assert profile.kvk_number == "69599084"
    assert profile.name == "Test EMZ Dagobert"
    assert profile.statutory_name == ""
    assert profile.trade_names[:2] == ("Test EMZ Dagobert", "Tweede handelsnaam 1MZ")
    assert len(profile.trade_names) == 8
    assert profile.legal_form == "Eenmanszaak"
    assert profile.rsin == "" and not profile.rsin_valid
    assert profile.main_sbi.code == "10110" and profile.main_sbi.main
    assert [a.code for a in profile.sbi_activities] == ["10110", "10120", "10130"]
    assert profile.registration_date == date(2017, 7, 10)
    assert profile.start_date == date(2017, 1, 8)
    assert profile.end_date is None and profile.active
    assert profile.non_mailing is True and profile.employees == 1
    main = profile.main_establishment
    assert isinstance(main, Establishment)
    assert main.vestigingsnummer == "000038509504" == profile.vestigingsnummer
    address = profile.visiting_address
    assert address.street_line == "Abebe Bikilalaan 17 M"
    assert address.zip == "1034 WL" and address.city == "Amsterdam"
    assert address.full_address == "Abebe Bikilalaan 17 M 1034WL Amsterdam"
    assert profile.postal_address is None
    assert profile.links["vestigingen"].endswith("/69599084/vestigingen")


def test_basisprofiel_recorded_vve_without_establishments():
    profile = parse_basisprofiel(load_body("200_basisprofielen_90000749"))
    assert profile.main_establishment is None
    assert profile.statutory_name == "Global Conron" == profile.name
    assert profile.trade_names == ()
    assert profile.rsin == "992340597" and profile.rsin_valid
    assert profile.legal_form == "Vereniging van Eigenaars"
    assert profile.visiting_address.street_line == "Blaauwweg 163"  # on eigenaar
    assert profile.visiting_address.zip == "3328 XD"


def test_sample_files_in_the_older_links_style():
    profile = parse_basisprofiel(load_body("sample_basisprofiel"))
    assert profile.links["self"].endswith("/basisprofielen/69599084")
    assert profile.main_establishment.links["vestigingsprofiel"].endswith(
        "000038509504"
    )
    assert profile.main_sbi.code == "1011"
    vve = parse_basisprofiel(load_body("sample_basisprofiel_vve"))
    assert vve.rsin == "992340594" and not vve.rsin_valid  # kept, but flagged
    assert to_partner_values(vve)["rsin"] == ""


def test_basisprofiel_foreign():
    profile = parse_basisprofiel(
        load_body("constructed_200_basisprofielen_90009991_buitenland")
    )
    visiting = profile.visiting_address
    assert visiting.foreign and visiting.country_code == "DE"
    assert visiting.street_line == "Hauptstraße 12"
    assert visiting.zip == "47533" and visiting.city_name == "Kleve"
    assert visiting.region == "Nordrhein-Westfalen"
    assert profile.websites == ("www.grenswerk.example",)  # from eigenaar
    values = to_partner_values(profile)
    assert values["country_code"] == "DE" and values["zip"] == "47533"
    assert values["postal_street"] == "Postfach 1020"
    assert values["postal_zip"] == "47511" and values["postal_country_code"] == "DE"
    assert values["rsin"] == "823456791"


def test_basisprofiel_post_box_and_partner_values():
    profile = parse_basisprofiel(
        load_body("constructed_200_basisprofielen_90009992_postbus")
    )
    assert profile.trade_names == ("Grenswerk Nederland B.V.", "Grenswerk Logistiek")
    assert profile.main_sbi.code == "49410"  # main first although listed second
    assert profile.postal_address.is_po_box
    assert profile.postal_address.street_line == "Postbus 1234"
    assert profile.main_establishment.employees_full_time == 20
    assert to_partner_values(profile) == {
        "name": "Grenswerk Nederland B.V.",
        "street": "Industrieweg 8 ZW",
        "street2": "Unit 3",
        "zip": "6541 TW",
        "city": "Nijmegen",
        "region": "",
        "country_code": "NL",
        "website": "https://www.grenswerk.example",
        "company_registry": "90009992",
        "kvk_number": "90009992",
        "vestigingsnummer": "990009992001",
        "rsin": "823456808",
        "statutory_name": "Grenswerk Nederland B.V.",
        "trade_names": ["Grenswerk Nederland B.V.", "Grenswerk Logistiek"],
        "legal_form": "Besloten Vennootschap",
        "legal_form_extended": "Besloten Vennootschap met gewone structuur",
        "sbi_code": "49410",
        "sbi_description": "Goederenvervoer over de weg (geen verhuizingen)",
        "sbi_codes": ["49410", "52109"],
        "registration_date": date(2015, 4, 2),
        "end_date": None,
        "active": True,
        "non_mailing": False,
        "employees": 23,
        "postal_street": "Postbus 1234",
        "postal_street2": "",
        "postal_zip": "6501 BL",
        "postal_city": "Nijmegen",
        "postal_region": "",
        "postal_country_code": "NL",
    }


def test_basisprofiel_ended_with_shielded_visiting_address():
    profile = parse_basisprofiel(
        load_body("constructed_200_basisprofielen_90009993_beeindigd")
    )
    assert profile.ended and not profile.active
    assert profile.end_date == date(2023, 12, 31)
    assert profile.deregistration_date == date(2024, 1, 15)
    assert profile.start_date is None  # "19950000"
    assert profile.visiting_address.shielded is True
    values = to_partner_values(profile)
    # the shielded visiting address has no street: the postal one is used
    assert values["street"] == "Stationsplein 1" and values["zip"] == "5911 AA"
    assert values["postal_street"] == ""  # not repeated
    assert values["active"] is False


def test_basisprofiel_with_vestigingen_and_missing_fields():
    vestigingen = parse_vestigingen(
        load_body("constructed_200_basisprofielen_69599084_vestigingen")
    )
    assert [v.vestigingsnummer for v in vestigingen] == ["000038509504", "000038509520"]
    assert vestigingen[1].is_main is False
    assert vestigingen[1].full_address == "Geneinde 1 6211AA Maastricht"
    profile = parse_basisprofiel(load_body("200_basisprofielen_69599084"), vestigingen)
    assert profile.vestigingen == vestigingen
    bare = parse_basisprofiel({"kvkNummer": "12345678"})
    assert bare.name == "" and bare.visiting_address is None
    assert to_partner_values(bare)["street"] == ""
    with pytest.raises(KvkParseError):
        parse_basisprofiel({"naam": "no number"})


# ------------------------------------------------------ Vestigingsprofiel --


def test_vestigingsprofiel_with_post_box():
    establishment = parse_vestigingsprofiel(
        load_body("200_vestigingsprofielen_000037178598")
    )
    assert establishment.kvk_number == "68750110"
    assert establishment.rsin == "857587973"
    assert establishment.statutory_name == "Test BV Donald"
    assert establishment.is_main and establishment.is_commercial
    assert establishment.employees_part_time == 0
    postal = establishment.postal_address
    assert postal.is_po_box and postal.po_box == 200
    assert postal.street_line == "Postbus 200" and postal.zip == "1000 AE"
    visiting = establishment.visiting_address
    assert visiting.street_line == "Hizzaarderlaan 3 A"
    values = to_partner_values(establishment)
    assert values["street"] == "Hizzaarderlaan 3 A" and values["city"] == "Lollum"
    assert values["postal_street"] == "Postbus 200"
    assert values["company_registry"] == "68750110"
    assert values["vestigingsnummer"] == "000037178598"
    assert values["legal_form"] == ""


def test_vestigingsprofiel_trade_names():
    establishment = parse_vestigingsprofiel(
        load_body("200_vestigingsprofielen_000038509504")
    )
    assert establishment.name == "Test EMZ Dagobert"
    assert len(establishment.trade_names) == 4
    assert establishment.main_sbi.code == "10110"


def test_address_item_variants():
    assert (
        parse_address({"straatnaam": "Dorpsstraat", "huisnummer": "7"}).country_code
        == "NL"
    )
    foreign = parse_address(
        {"straatHuisnummer": "Rue X 1", "postcodeWoonplaats": "Paris"}
    )
    assert foreign.foreign and foreign.country_code == "" and foreign.zip == ""
    assert foreign.city_name == "Paris"
    uk = parse_address(
        {
            "straatHuisnummer": "1 High St",
            "postcodeWoonplaats": "London SW1A 1AA",
            "land": "Verenigd Koninkrijk",
        }
    )
    assert (uk.zip, uk.city_name, uk.country_code) == ("SW1A 1AA", "London", "GB")
    geo = parse_address({"geoData": {"gpsLatitude": 52.1, "gpsLongitude": "4.3"}})
    assert (geo.latitude, geo.longitude) == (52.1, 4.3)


# -------------------------------------------------------------- Naamgeving --


def test_naamgeving():
    naming = parse_naamgeving(
        load_body("constructed_200_naamgevingen_kvknummer_69599084")
    )
    assert naming.kvk_number == "69599084" and naming.start_date == date(2017, 1, 8)
    assert [b.name for b in naming.branches] == [
        "Test EMZ Dagobert",
        "Test EMZ Nevenvestiging Govert",
    ]
    assert naming.branches[1].trade_names[1] == "Tweede handelsnaam Vestiging2"
    foundation = parse_naamgeving(
        load_body("constructed_200_naamgevingen_kvknummer_90009994")
    )
    assert foundation.also_called == "Grenswerk Fonds" and not foundation.ended
    (branch,) = foundation.branches
    assert not branch.commercial and branch.name == "Stichting Grenswerk Fonds"


# -------------------------------------------------------------------- diff --


def test_diff_lists_only_real_changes():
    new = to_partner_values(
        parse_basisprofiel(load_body("constructed_200_basisprofielen_90009992_postbus"))
    )
    current = {
        "name": "Grenswerk Nederland B.V.",
        "street": "Industrieweg  8 ZW",  # extra space only
        "street2": False,  # Odoo reads an empty field as False
        "zip": "6541tw",  # case and space only
        "city": "Arnhem",
        "country_code": "nl",
        "website": "http://www.grenswerk.example/",  # scheme and slash only
        "company_registry": "90009992",
        "rsin": False,
    }
    rows = diff(
        current,
        new,
        fields=[
            "name",
            "street",
            "street2",
            "zip",
            "city",
            "country_code",
            "website",
            "company_registry",
            "rsin",
            "unknown",
        ],
    )
    assert rows == [
        Change("street2", False, "Unit 3"),
        Change("city", "Arnhem", "Nijmegen"),
        Change("rsin", False, "823456808"),
    ]


def test_diff_keeps_values_the_kvk_does_not_know():
    current = {"website": "www.example.nl", "name": "Old"}
    new = {"website": "", "name": "New"}
    assert diff(current, new) == [Change("name", "Old", "New")]
    assert diff(current, new, include_cleared=True) == [
        Change("website", "www.example.nl", ""),
        Change("name", "Old", "New"),
    ]


def test_diff_of_lists_dates_and_flags():
    current = {
        "sbi_codes": ["49410"],
        "registration_date": date(2015, 4, 2),
        "active": True,
    }
    new = {
        "sbi_codes": ["49410", "52109"],
        "registration_date": date(2015, 4, 2),
        "active": False,
    }
    assert diff(current, new) == [
        Change("sbi_codes", ["49410"], ["49410", "52109"]),
        Change("active", True, False),  # a company that ended is a change
    ]
    assert diff({"non_mailing": False}, {"non_mailing": False}) == []
    assert diff({}, {"non_mailing": False}) == []  # unknown counts as False
