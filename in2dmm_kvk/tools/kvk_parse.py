"""Read KvK API answers into plain dataclasses (pure Python, no Odoo).

Covers Zoeken v2, Basisprofiel v1 (with its ``/vestigingen`` list),
Vestigingsprofiel v1 and Naamgeving v1. Every dataclass keeps the original
body in ``raw`` (excluded from comparison and repr) so the caller can store it.

Conventions of the KvK answers handled here
-------------------------------------------
* Dates are ``YYYYMMDD`` strings; an unreadable or partial date (``00`` for an
  unknown month or day) gives ``None``; whether something *ended* is taken
  from the presence of the end-date text, not from its parse.
* Flags are ``"Ja"``/``"Nee"`` -> ``True``/``False`` (``None`` when absent).
* Addresses: Dutch ones have ``straatnaam``, ``huisnummer``, ``huisletter``,
  ``huisnummerToevoeging``, ``postcode``, ``plaats``; a post-office box has
  ``straatnaam`` "Postbus" and ``postbusnummer``; foreign ones have
  ``straatHuisnummer``, ``postcodeWoonplaats``, ``regio`` and ``land`` (a
  Dutch country name). Zoeken wraps them in ``binnenlandsAdres`` or
  ``buitenlandsAdres``. ``volledigAdres`` carries padding spaces; they are
  collapsed.
* Links come as HAL ``_links`` objects in the recorded answers and as
  ``links`` lists of ``{rel, href}`` in the specification; both are read.

:func:`to_partner_values` turns a profile into a flat dict of Odoo-neutral
values and :func:`diff` lists what would change on an existing record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from .kvk_numbers import is_valid_rsin

SEARCH_TYPES = ("hoofdvestiging", "nevenvestiging", "rechtspersoon")


class KvkParseError(ValueError):
    """The body does not have the structure of the expected KvK answer."""


# Dutch country names as the KvK writes them (``land``) -> ISO 3166-1 alpha-2.
# Keys are compared without accents, case and punctuation.
_COUNTRIES = {
    "NL": ("nederland", "the netherlands", "netherlands", "holland"),
    "BE": ("belgie", "belgium"),
    "DE": ("duitsland", "bondsrepubliek duitsland", "germany"),
    "LU": ("luxemburg", "groothertogdom luxemburg", "luxembourg"),
    "FR": ("frankrijk", "france"),
    "GB": (
        "verenigd koninkrijk",
        "groot-brittannie",
        "groot brittannie",
        "engeland",
        "schotland",
        "wales",
        "noord-ierland",
        "united kingdom",
    ),
    "IE": ("ierland", "ierse republiek", "ireland"),
    "ES": ("spanje", "spain"),
    "PT": ("portugal",),
    "IT": ("italie", "italy"),
    "AT": ("oostenrijk", "austria"),
    "CH": ("zwitserland", "switzerland"),
    "LI": ("liechtenstein",),
    "DK": ("denemarken", "denmark"),
    "SE": ("zweden", "sweden"),
    "NO": ("noorwegen", "norway"),
    "FI": ("finland",),
    "IS": ("ijsland", "iceland"),
    "PL": ("polen", "poland"),
    "CZ": ("tsjechie", "tsjechische republiek", "czech republic", "czechia"),
    "SK": ("slowakije", "slovakia"),
    "HU": ("hongarije", "hungary"),
    "SI": ("slovenie", "slovenia"),
    "HR": ("kroatie", "croatia"),
    "RO": ("roemenie", "romania"),
    "BG": ("bulgarije", "bulgaria"),
    "GR": ("griekenland", "greece"),
    "CY": ("cyprus",),
    "MT": ("malta",),
    "EE": ("estland", "estonia"),
    "LV": ("letland", "latvia"),
    "LT": ("litouwen", "lithuania"),
    "MC": ("monaco",),
    "TR": ("turkije", "turkey", "turkiye"),
    "UA": ("oekraine", "ukraine"),
    "RU": ("rusland", "russische federatie", "russia"),
    "US": (
        "verenigde staten",
        "verenigde staten van amerika",
        "united states",
        "united states of america",
    ),
    "CA": ("canada",),
    "MX": ("mexico",),
    "BR": ("brazilie", "brazil"),
    "AR": ("argentinie", "argentina"),
    "CN": ("china", "volksrepubliek china"),
    "HK": ("hongkong", "hong kong"),
    "TW": ("taiwan",),
    "JP": ("japan",),
    "KR": ("zuid-korea", "korea, republiek", "south korea"),
    "IN": ("india",),
    "SG": ("singapore",),
    "MY": ("maleisie", "malaysia"),
    "ID": ("indonesie", "indonesia"),
    "TH": ("thailand",),
    "VN": ("vietnam",),
    "AU": ("australie", "australia"),
    "NZ": ("nieuw-zeeland", "new zealand"),
    "ZA": ("zuid-afrika", "south africa"),
    "MA": ("marokko", "morocco"),
    "EG": ("egypte", "egypt"),
    "IL": ("israel",),
    "AE": ("verenigde arabische emiraten", "united arab emirates"),
    "SA": ("saoedi-arabie", "saudi arabia"),
    "SR": ("suriname",),
    "AW": ("aruba",),
    "CW": ("curacao",),
    "SX": ("sint maarten",),
    "BQ": ("bonaire", "sint eustatius", "saba", "caribisch nederland"),
}


def _fold(text):
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s.]+", " ", text).strip().lower()


_COUNTRY_INDEX = {
    _fold(name): code for code, names in _COUNTRIES.items() for name in names
}


def country_code(name):
    """ISO code for a Dutch (or English) country name, ``""`` when unknown."""
    if not name:
        return ""
    folded = _fold(name)
    if len(folded) == 2 and folded.upper() in _COUNTRIES:
        return folded.upper()
    return _COUNTRY_INDEX.get(folded, "")


# ------------------------------------------------------------------ helpers --


def _str(value):
    if value is None or isinstance(value, dict | list):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def _int(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _float(value):
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def parse_flag(value):
    """``"Ja"`` -> True, ``"Nee"`` -> False, anything else -> None."""
    if isinstance(value, bool):
        return value
    text = _str(value).lower()
    if text in ("ja", "true", "j", "yes"):
        return True
    if text in ("nee", "false", "n", "no"):
        return False
    return None


def parse_date(value):
    """``"20170710"`` -> ``date(2017, 7, 10)``; partial or bad -> None."""
    text = _str(value).replace("-", "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _list(value):
    return value if isinstance(value, list) else []


def _dict(value):
    return value if isinstance(value, dict) else {}


def _links(body):
    """``{rel: href}`` from HAL ``_links`` and/or a ``links`` list."""
    result = {}
    for rel, link in _dict(body.get("_links")).items():
        href = link.get("href") if isinstance(link, dict) else None
        if href:
            result[rel] = href
    for link in _list(body.get("links")):
        if isinstance(link, dict) and link.get("rel") and link.get("href"):
            result.setdefault(link["rel"], link["href"])
    return result


# ----------------------------------------------------------------- classes --


@dataclass(frozen=True)
class Address:
    """One address. ``type``: ``bezoekadres`` (visiting), ``correspondentieadres``
    (Basisprofiel postal) or ``postadres`` (Zoeken postal)."""

    type: str = ""
    street: str = ""
    house_number: int | None = None
    house_letter: str = ""
    house_number_addition: str = ""
    address_addition: str = ""
    postcode: str = ""
    po_box: int | None = None
    city: str = ""
    country: str = ""
    country_code: str = ""
    foreign: bool = False
    street_house_number: str = ""
    postcode_city: str = ""
    region: str = ""
    full_address: str = ""
    shielded: bool | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def is_po_box(self):
        return self.po_box is not None

    @property
    def is_visiting(self):
        return self.type == "bezoekadres"

    @property
    def is_postal(self):
        return self.type in ("correspondentieadres", "postadres")

    @property
    def street_line(self):
        """``"Abebe Bikilalaan 17 M"``, ``"Postbus 200"`` or the foreign line."""
        if self.foreign:
            return self.street_house_number or self.street
        if self.is_po_box:
            return "Postbus %d" % self.po_box
        number = "" if self.house_number is None else str(self.house_number)
        parts = [self.street, number, self.house_letter, self.house_number_addition]
        return " ".join(p for p in parts if p)

    @property
    def zip(self):
        """Postcode as usually written: ``"1034 WL"`` for a Dutch one."""
        if self.foreign:
            return _split_postcode_city(self.postcode_city)[0] or self.postcode
        code = self.postcode.replace(" ", "").upper()
        if re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", code):
            return "%s %s" % (code[:4], code[4:])
        return self.postcode

    @property
    def city_name(self):
        if self.foreign and not self.city:
            return _split_postcode_city(self.postcode_city)[1]
        return self.city

    @property
    def has_location(self):
        """Whether there is something to put on an envelope."""
        return bool(
            self.street
            or self.street_house_number
            or self.is_po_box
            or self.postcode
            or self.postcode_city
        )


@dataclass(frozen=True)
class SbiActivity:
    code: str
    description: str = ""
    main: bool = False


@dataclass(frozen=True)
class SearchResult:
    kvk_number: str
    name: str = ""
    vestigingsnummer: str = ""
    rsin: str = ""
    type: str = ""
    address: Address | None = None
    active: bool | None = None
    expired_name: str = ""
    has_basisprofiel: bool = False
    has_vestigingsprofiel: bool = False
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)

    @property
    def street(self):
        return self.address.street_line if self.address else ""

    @property
    def house_number(self):
        return self.address.house_number if self.address else None

    @property
    def postcode(self):
        return self.address.zip if self.address else ""

    @property
    def city(self):
        return self.address.city_name if self.address else ""

    @property
    def country(self):
        return self.address.country if self.address else ""

    @property
    def country_code(self):
        return self.address.country_code if self.address else ""


@dataclass(frozen=True)
class SearchPage:
    page: int = 1
    per_page: int = 10
    total: int = 0
    results: tuple[SearchResult, ...] = ()
    has_next: bool = False
    has_previous: bool = False
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    def __bool__(self):
        return bool(self.results)


@dataclass(frozen=True)
class Establishment:
    """A vestiging: from Vestigingsprofiel or ``_embedded.hoofdvestiging``."""

    vestigingsnummer: str
    kvk_number: str = ""
    rsin: str = ""
    name: str = ""
    statutory_name: str = ""
    trade_names: tuple[str, ...] = ()
    is_main: bool | None = None
    is_commercial: bool | None = None
    non_mailing: bool | None = None
    registration_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    ended: bool = False
    employees: int | None = None
    employees_full_time: int | None = None
    employees_part_time: int | None = None
    addresses: tuple[Address, ...] = ()
    websites: tuple[str, ...] = ()
    sbi_activities: tuple[SbiActivity, ...] = ()
    links: Mapping = field(default_factory=dict, compare=False, repr=False)
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)

    @property
    def visiting_address(self):
        return _first_of_type(self.addresses, ("bezoekadres",))

    @property
    def postal_address(self):
        return _first_of_type(self.addresses, ("correspondentieadres", "postadres"))

    @property
    def main_sbi(self):
        return _main_sbi(self.sbi_activities)

    @property
    def active(self):
        return not self.ended


@dataclass(frozen=True)
class BranchSummary:
    """One line of ``/basisprofielen/{kvkNummer}/vestigingen``."""

    vestigingsnummer: str
    name: str = ""
    is_main: bool | None = None
    is_commercial: bool | None = None
    address_shielded: bool | None = None
    full_address: str = ""


@dataclass(frozen=True)
class CompanyProfile:
    """A Basisprofiel: the registration as a whole."""

    kvk_number: str
    name: str = ""
    statutory_name: str = ""
    trade_names: tuple[str, ...] = ()
    legal_form: str = ""
    legal_form_extended: str = ""
    rsin: str = ""
    sbi_activities: tuple[SbiActivity, ...] = ()
    registration_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    deregistration_date: date | None = None
    ended: bool = False
    non_mailing: bool | None = None
    employees: int | None = None
    main_establishment: Establishment | None = None
    owner_addresses: tuple[Address, ...] = ()
    websites: tuple[str, ...] = ()
    vestigingen: tuple[BranchSummary, ...] = ()
    links: Mapping = field(default_factory=dict, compare=False, repr=False)
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)

    @property
    def active(self):
        return not self.ended

    @property
    def main_sbi(self):
        return _main_sbi(self.sbi_activities)

    @property
    def vestigingsnummer(self):
        return (
            self.main_establishment.vestigingsnummer if self.main_establishment else ""
        )

    @property
    def rsin_valid(self):
        return bool(self.rsin) and is_valid_rsin(self.rsin)

    @property
    def addresses(self):
        """Addresses of the hoofdvestiging, else of the owner (a registration
        without establishments, e.g. a VvE, has them on ``eigenaar``)."""
        if self.main_establishment and self.main_establishment.addresses:
            return self.main_establishment.addresses
        return self.owner_addresses

    @property
    def visiting_address(self):
        return _first_of_type(self.addresses, ("bezoekadres",))

    @property
    def postal_address(self):
        return _first_of_type(self.addresses, ("correspondentieadres", "postadres"))


@dataclass(frozen=True)
class NamingBranch:
    vestigingsnummer: str
    name: str = ""
    trade_names: tuple[str, ...] = ()
    also_called: str = ""
    commercial: bool = True


@dataclass(frozen=True)
class Naming:
    """A Naamgeving answer: all names of a registration and its vestigingen."""

    kvk_number: str
    rsin: str = ""
    name: str = ""
    statutory_name: str = ""
    also_called: str = ""
    start_date: date | None = None
    end_date: date | None = None
    ended: bool = False
    branches: tuple[NamingBranch, ...] = ()
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)


def _first_of_type(addresses, types):
    for address in addresses:
        if address.type in types:
            return address
    return None


def _main_sbi(activities):
    for activity in activities:
        if activity.main:
            return activity
    return activities[0] if activities else None


def _split_postcode_city(text):
    """Split a foreign ``postcodeWoonplaats`` ("75008 Paris", "SW1A 1AA
    London", "London SW1A 1AA", "D-80331 München") into (postcode, city) by
    taking the leading, else trailing, words that contain a digit. A text
    without digits is all city. This is a heuristic: the KvK gives one field."""
    words = _str(text).split(" ")
    if not words or words == [""]:
        return "", ""

    def has_digit(word):
        return any(c.isdigit() for c in word)

    lead = 0
    while lead < len(words) and has_digit(words[lead]):
        lead += 1
    if 0 < lead < len(words):
        return " ".join(words[:lead]), " ".join(words[lead:])
    trail = len(words)
    while trail > 0 and has_digit(words[trail - 1]):
        trail -= 1
    if 0 < trail < len(words):
        return " ".join(words[trail:]), " ".join(words[:trail])
    if lead == len(words):
        return " ".join(words), ""
    return "", " ".join(words)


# ----------------------------------------------------------------- parsing --


def _require_dict(body, what):
    if not isinstance(body, dict):
        raise KvkParseError(
            "The KvK %s answer is not a JSON object (got %s)."
            % (what, type(body).__name__)
        )
    return body


def parse_address(item, default_type=""):
    """An address item of Basisprofiel/Vestigingsprofiel (``adressen[]``)."""
    item = _dict(item)
    country = _str(item.get("land"))
    foreign_fields = bool(
        _str(item.get("straatHuisnummer")) or _str(item.get("postcodeWoonplaats"))
    )
    code = country_code(country)
    foreign = foreign_fields or bool(country and code != "NL")
    if not country and not foreign:
        code = "NL"
    geo = _dict(item.get("geoData"))
    return Address(
        type=_str(item.get("type")) or default_type,
        street=_str(item.get("straatnaam")),
        house_number=_int(item.get("huisnummer")),
        house_letter=_str(item.get("huisletter")),
        house_number_addition=_str(item.get("huisnummerToevoeging")),
        address_addition=_str(item.get("toevoegingAdres")),
        postcode=_str(item.get("postcode")),
        po_box=_int(item.get("postbusnummer")),
        city=_str(item.get("plaats")),
        country=country,
        country_code=code,
        foreign=foreign,
        street_house_number=_str(item.get("straatHuisnummer")),
        postcode_city=_str(item.get("postcodeWoonplaats")),
        region=_str(item.get("regio")),
        full_address=_str(item.get("volledigAdres")),
        shielded=parse_flag(item.get("indAfgeschermd")),
        latitude=_float(geo.get("gpsLatitude")),
        longitude=_float(geo.get("gpsLongitude")),
    )


def parse_search_address(adres):
    """The ``adres`` of a Zoeken result: ``binnenlandsAdres`` or
    ``buitenlandsAdres``; ``None`` when neither is present."""
    adres = _dict(adres)
    if isinstance(adres.get("buitenlandsAdres"), dict):
        item = dict(adres["buitenlandsAdres"])
        address = parse_address(item)
        if not address.foreign:  # land may be missing; the wrapper says foreign
            address = replace(address, foreign=True, country_code="")
        return address
    if isinstance(adres.get("binnenlandsAdres"), dict):
        item = dict(adres["binnenlandsAdres"])
        item.setdefault("land", "Nederland")
        return parse_address(item)
    return None


def parse_sbi(items):
    result = []
    for item in _list(items):
        item = _dict(item)
        code = _str(item.get("sbiCode"))
        if code:
            result.append(
                SbiActivity(
                    code=code,
                    description=_str(item.get("sbiOmschrijving")),
                    main=parse_flag(item.get("indHoofdactiviteit")) is True,
                )
            )
    result.sort(key=lambda a: not a.main)  # stable: main first, order kept
    return tuple(result)


def _trade_names(items):
    names = []
    for index, item in enumerate(_list(items)):
        item = _dict(item)
        name = _str(item.get("naam"))
        if name:
            order = _int(item.get("volgorde"))
            names.append((order if order is not None else 10**6 + index, name))
    names.sort(key=lambda pair: pair[0])
    seen = set()
    result = []
    for _order, name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
    return tuple(result)


def _websites(items):
    return tuple(w for w in (_str(x) for x in _list(items)) if w)


def parse_search(body, assume_active=None) -> SearchPage:
    """A Zoeken v2 answer. ``assume_active``: the ``active`` value for results
    without ``actief`` (the client passes True when inactive registrations
    were not asked for, because then only active ones are returned)."""
    body = _require_dict(body, "Zoeken")
    results = []
    for item in _list(body.get("resultaten")):
        if not isinstance(item, dict):
            continue
        links = _links(item)
        active = parse_flag(item.get("actief"))
        results.append(
            SearchResult(
                kvk_number=_str(item.get("kvkNummer")),
                name=_str(item.get("naam")),
                vestigingsnummer=_str(item.get("vestigingsnummer")),
                rsin=_str(item.get("rsin")),
                type=_str(item.get("type")),
                address=parse_search_address(item.get("adres")),
                active=assume_active if active is None else active,
                expired_name=_str(item.get("vervallenNaam")),
                has_basisprofiel="basisprofiel" in links,
                has_vestigingsprofiel="vestigingsprofiel" in links,
                raw=item,
            )
        )
    return SearchPage(
        page=_int(body.get("pagina")) or 1,
        per_page=_int(body.get("resultatenPerPagina")) or len(results) or 10,
        total=_int(body.get("totaal")) or 0,
        results=tuple(results),
        has_next=bool(body.get("volgende")),
        has_previous=bool(body.get("vorige")),
        raw=body,
    )


def empty_search_page(page=1, per_page=10, raw=None) -> SearchPage:
    return SearchPage(page=page, per_page=per_page, total=0, raw=raw or {})


def parse_vestigingsprofiel(body) -> Establishment:
    """A Vestigingsprofiel answer, or the embedded ``hoofdvestiging``."""
    body = _require_dict(body, "Vestigingsprofiel")
    number = _str(body.get("vestigingsnummer"))
    if not number:
        raise KvkParseError("The KvK establishment has no vestigingsnummer.")
    trade_names = _trade_names(body.get("handelsnamen"))
    first = _str(body.get("eersteHandelsnaam"))
    if first and first not in trade_names:
        trade_names = (first,) + trade_names
    registration = _dict(body.get("materieleRegistratie"))
    return Establishment(
        vestigingsnummer=number,
        kvk_number=_str(body.get("kvkNummer")),
        rsin=_str(body.get("rsin")),
        name=first or _str(body.get("statutaireNaam")) or next(iter(trade_names), ""),
        statutory_name=_str(body.get("statutaireNaam")),
        trade_names=trade_names,
        is_main=parse_flag(body.get("indHoofdvestiging")),
        is_commercial=parse_flag(body.get("indCommercieleVestiging")),
        non_mailing=parse_flag(body.get("indNonMailing")),
        registration_date=parse_date(body.get("formeleRegistratiedatum")),
        start_date=parse_date(registration.get("datumAanvang")),
        end_date=parse_date(registration.get("datumEinde")),
        ended=bool(_str(registration.get("datumEinde"))),
        employees=_int(body.get("totaalWerkzamePersonen")),
        employees_full_time=_int(body.get("voltijdWerkzamePersonen")),
        employees_part_time=_int(body.get("deeltijdWerkzamePersonen")),
        addresses=tuple(parse_address(a) for a in _list(body.get("adressen"))),
        websites=_websites(body.get("websites")),
        sbi_activities=parse_sbi(body.get("sbiActiviteiten")),
        links=_links(body),
        raw=body,
    )


def parse_vestigingen(body) -> tuple[BranchSummary, ...]:
    """The ``/basisprofielen/{kvkNummer}/vestigingen`` answer."""
    body = _require_dict(body, "vestigingen")
    result = []
    for item in _list(body.get("vestigingen")):
        item = _dict(item)
        number = _str(item.get("vestigingsnummer"))
        if number:
            result.append(
                BranchSummary(
                    vestigingsnummer=number,
                    name=_str(item.get("eersteHandelsnaam")),
                    is_main=parse_flag(item.get("indHoofdvestiging")),
                    is_commercial=parse_flag(item.get("indCommercieleVestiging")),
                    address_shielded=parse_flag(item.get("indAdresAfgeschermd")),
                    full_address=_str(item.get("volledigAdres")),
                )
            )
    return tuple(result)


def parse_basisprofiel(body, vestigingen=None) -> CompanyProfile:
    """A Basisprofiel answer. ``vestigingen``: the parsed (or raw) answer of
    the ``/vestigingen`` sub-resource, which the Basisprofiel does not embed."""
    body = _require_dict(body, "Basisprofiel")
    kvk_number = _str(body.get("kvkNummer"))
    if not kvk_number:
        raise KvkParseError("The KvK Basisprofiel has no kvkNummer.")
    embedded = _dict(body.get("_embedded"))
    owner = _dict(embedded.get("eigenaar"))
    main = None
    if isinstance(embedded.get("hoofdvestiging"), dict) and embedded[
        "hoofdvestiging"
    ].get("vestigingsnummer"):
        main = parse_vestigingsprofiel(embedded["hoofdvestiging"])
    registration = _dict(body.get("materieleRegistratie"))
    trade_names = _trade_names(body.get("handelsnamen"))
    statutory = _str(body.get("statutaireNaam"))
    name = _str(body.get("naam")) or statutory or next(iter(trade_names), "")
    if not name and main:
        name = main.name
    websites = (main.websites if main else ()) or _websites(owner.get("websites"))
    if isinstance(vestigingen, dict):
        vestigingen = parse_vestigingen(vestigingen)
    end_text = _str(registration.get("datumEinde"))
    deregistered_text = _str(owner.get("datumUitschrijving"))
    return CompanyProfile(
        kvk_number=kvk_number,
        name=name,
        statutory_name=statutory,
        trade_names=trade_names,
        legal_form=_str(owner.get("rechtsvorm")),
        legal_form_extended=_str(owner.get("uitgebreideRechtsvorm")),
        rsin=_str(owner.get("rsin")) or (main.rsin if main else ""),
        sbi_activities=parse_sbi(body.get("sbiActiviteiten")),
        registration_date=parse_date(body.get("formeleRegistratiedatum")),
        start_date=parse_date(registration.get("datumAanvang")),
        end_date=parse_date(end_text) or parse_date(deregistered_text),
        deregistration_date=parse_date(deregistered_text),
        ended=bool(end_text or deregistered_text),
        non_mailing=parse_flag(body.get("indNonMailing")),
        employees=_int(body.get("totaalWerkzamePersonen")),
        main_establishment=main,
        owner_addresses=tuple(parse_address(a) for a in _list(owner.get("adressen"))),
        websites=websites,
        vestigingen=tuple(vestigingen or ()),
        links=_links(body),
        raw=body,
    )


def parse_naamgeving(body) -> Naming:
    body = _require_dict(body, "Naamgeving")
    kvk_number = _str(body.get("kvkNummer"))
    if not kvk_number:
        raise KvkParseError("The KvK Naamgeving has no kvkNummer.")
    branches = []
    for item in _list(body.get("vestigingen")):
        item = _dict(item)
        number = _str(item.get("vestigingsnummer"))
        if not number:
            continue
        trade_names = _trade_names(item.get("handelsnamen"))
        first = _str(item.get("eersteHandelsnaam"))
        commercial = bool(first or trade_names)
        branches.append(
            NamingBranch(
                vestigingsnummer=number,
                name=first or _str(item.get("naam")) or next(iter(trade_names), ""),
                trade_names=trade_names,
                also_called=_str(item.get("ookGenoemd")),
                commercial=commercial,
            )
        )
    return Naming(
        kvk_number=kvk_number,
        rsin=_str(body.get("rsin")),
        name=_str(body.get("naam")),
        statutory_name=_str(body.get("statutaireNaam")),
        also_called=_str(body.get("ookGenoemd")),
        start_date=parse_date(body.get("startdatum")),
        end_date=parse_date(body.get("einddatum")),
        ended=bool(_str(body.get("einddatum"))),
        branches=tuple(branches),
        raw=body,
    )


# ------------------------------------------------------------ Odoo values --


def _partner_address(addresses):
    """The address to put on the partner: the first visiting address that is
    usable (not shielded, has a location), else the postal address."""
    visiting = [a for a in addresses if a.is_visiting]
    for address in visiting:
        if address.shielded is not True and address.has_location:
            return address
    for address in addresses:
        if address.is_postal and address.has_location:
            return address
    for address in addresses:
        if address.has_location:
            return address
    return None


def _address_values(address, prefix=""):
    if address is None:
        return {
            prefix + "street": "",
            prefix + "street2": "",
            prefix + "zip": "",
            prefix + "city": "",
            prefix + "region": "",
            prefix + "country_code": "",
        }
    return {
        prefix + "street": address.street_line,
        prefix + "street2": address.address_addition,
        prefix + "zip": address.zip,
        prefix + "city": address.city_name,
        prefix + "region": address.region,
        prefix + "country_code": address.country_code,
    }


def to_partner_values(profile) -> dict:
    """Flat, Odoo-neutral values of a :class:`CompanyProfile` (or of an
    :class:`Establishment`, e.g. a nevenvestiging used as a delivery address).

    Keys: ``name, street, street2, zip, city, region, country_code, website,
    company_registry`` (the KvK number, as Odoo's Dutch localisation uses it),
    ``kvk_number, vestigingsnummer, rsin`` (only when it passes the 11-proef),
    ``statutory_name, trade_names, legal_form, legal_form_extended, sbi_code,
    sbi_description, sbi_codes, registration_date, end_date, active,
    non_mailing, employees`` and ``postal_street, postal_street2, postal_zip,
    postal_city, postal_region, postal_country_code`` (the postal address when
    it differs from the one used for ``street``...; empty otherwise).

    There is no ``vat``: the KvK APIs do not return the btw-id, and it cannot
    be derived safely from the RSIN (sole traders, fiscal units).
    """
    addresses = profile.addresses
    kvk_number = profile.kvk_number
    rsin = profile.rsin
    main_sbi = profile.main_sbi
    address = _partner_address(addresses)
    postal = _first_of_type(addresses, ("correspondentieadres", "postadres"))
    if postal is address:
        postal = None
    values = {"name": profile.name}
    values.update(_address_values(address))
    values.update(
        {
            "website": profile.websites[0] if profile.websites else "",
            "company_registry": kvk_number,
            "kvk_number": kvk_number,
            "vestigingsnummer": profile.vestigingsnummer,
            "rsin": rsin if rsin and is_valid_rsin(rsin) else "",
            "statutory_name": profile.statutory_name,
            "trade_names": list(profile.trade_names),
            "legal_form": getattr(profile, "legal_form", ""),
            "legal_form_extended": getattr(profile, "legal_form_extended", ""),
            "sbi_code": main_sbi.code if main_sbi else "",
            "sbi_description": main_sbi.description if main_sbi else "",
            "sbi_codes": [a.code for a in profile.sbi_activities],
            "registration_date": profile.registration_date,
            "end_date": profile.end_date,
            "active": profile.active,
            "non_mailing": profile.non_mailing,
            "employees": profile.employees,
        }
    )
    values.update(_address_values(postal, prefix="postal_"))
    return values


class Change(NamedTuple):
    field: str
    old: object
    new: object


_CASE_INSENSITIVE = frozenset(
    {"zip", "postal_zip", "country_code", "postal_country_code", "vat"}
)
_WEBSITE_FIELDS = frozenset({"website"})


def _empty(value):
    return value is None or value is False or value == "" or value == [] or value == ()


def _normalise(field_name, value):
    if _empty(value):
        return None
    if isinstance(value, str):
        text = re.sub(r"\s+", " ", value).strip()
        if field_name in _WEBSITE_FIELDS:
            text = re.sub(r"^https?://", "", text, flags=re.IGNORECASE)
            text = text.rstrip("/").lower()
        elif field_name in _CASE_INSENSITIVE:
            text = text.upper()
            if field_name.endswith("zip"):
                text = text.replace(" ", "")
        return text or None
    if isinstance(value, list | tuple):
        return tuple(_normalise(field_name, v) for v in value)
    return value


def diff(
    current: Mapping,
    new: Mapping,
    fields: Iterable[str] | None = None,
    include_cleared=False,
) -> list[Change]:
    """What writing ``new`` over ``current`` would change, as
    ``Change(field, old, new)`` rows in the order of ``fields`` (default: the
    keys of ``new``).

    Values are compared after normalising whitespace, empty values (``None``,
    ``False`` as Odoo reads an empty field, ``""``, empty lists), the case and
    space of postcodes and country codes, and the scheme of a website; a
    boolean new value is compared with the truth of the old one. A field
    that the KvK leaves empty but that has a value now is not listed (the KvK
    not knowing a website is no reason to erase it) unless ``include_cleared``.
    """
    rows = []
    for name in list(fields) if fields is not None else list(new):
        if name not in new:
            continue
        old_value = current.get(name)
        new_value = new[name]
        if isinstance(new_value, bool):  # a flag: False is a value, not "empty"
            if bool(old_value) != new_value:
                rows.append(Change(name, old_value, new_value))
            continue
        old_norm = _normalise(name, old_value)
        new_norm = _normalise(name, new_value)
        if old_norm == new_norm:
            continue
        if new_norm is None and not include_cleared:
            continue
        rows.append(Change(name, old_value, new_value))
    return rows
