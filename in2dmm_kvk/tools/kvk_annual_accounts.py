"""KvK Open Dataset Jaarrekeningen: client, parser and rate limiter (pure Python).

What is documented [V] (developers.kvk.nl, "Open Dataset Jaarrekeningen",
``hvds_jaarrekeningen.yaml`` 1.0):

* ``GET https://opendata.kvk.nl/api/v1/hvds/jaarrekeningen/kvknummer/{kvkNummer}``,
  no API key, **one request per minute**;
* only *adopted* annual accounts filed in XBRL, High-Value-Dataset fields only
  (no name or address), CC BY 4.0;
* the answer is an object ``Opendata`` with ``opendataFields``, a list of
  ``{"key": string, "value": string}``; 404 when nothing is found.

What comes from secondary sources [S] (the bulk download's XML and a
third-party client): fields can be groups that carry their own
``opendataFields`` (``BalanceSheet`` > ``Assets`` ...), and the key names
``FinancialYear``, ``DocumentAdoptionDate``, ``SbiBusinessCode``, ``Assets``,
``AssetsCurrent``, ``AssetsNoncurrent``, ``Equity``, ``EquityAndLiabilities``,
``Liabilities``, ``LiabilitiesMaturityLessThanOneYear``,
``LiabilitiesMaturityExceedingOneYear``, ``Provisions``,
``CalledUpShareCapital``.

Everything else is **[GUESS]**, read tolerantly and marked below: whether one
answer holds several accounts (a list of ``Opendata`` objects, or a list under
``jaarrekeningen``/``resultaten``/...), the names of the period, deposit date,
kind, size class and consolidation fields (the XBRL concept names of the Dutch
taxonomy, e.g. ``FinancialReportingPeriodCurrentEndDate``, ``LegalEntitySize``,
``FinancialStatementsConsolidated``, and Dutch API-style names), income
statement figures, and any link to the XBRL or PDF document (the dataset is
not known to carry one). Keys are compared without namespace prefix, case and
punctuation, so ``bw2-titel9:FinancialYear`` and ``financial_year`` match.

:class:`RateLimiter` enforces the one call per minute without sleeping: it
says how long to wait, so the caller can queue the work.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from email.message import Message
from urllib.parse import unquote, urljoin, urlsplit

from . import kvk_client, kvk_numbers
from .kvk_parse import KvkParseError

http_client = kvk_client.http_client
ApiError = http_client.ApiError
ApiNotFound = http_client.ApiNotFound
ApiRateLimited = http_client.ApiRateLimited
ApiUnavailable = http_client.ApiUnavailable
ApiBadResponse = http_client.ApiBadResponse

OPEN_DATA_URL = "https://opendata.kvk.nl"
ANNUAL_ACCOUNTS_PATH = "api/v1/hvds/jaarrekeningen/kvknummer/%s"
#: seconds between two calls (the documented limit: one request per minute)
RATE_LIMIT_INTERVAL = 60.0
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
ATTRIBUTION = "KVK Handelsregister, Open Dataset Jaarrekeningen (CC BY 4.0)"

KINDS = ("jaarrekening", "publicatiestukken", "other")
SIZE_CLASSES = ("micro", "small", "medium", "large")
DOCUMENT_TYPES = ("xbrl", "pdf", "other")

# -------------------------------------------------------------- key names --


def _norm(key):
    """``bw2-titel9:FinancialYear`` -> ``financialyear``."""
    text = str(key or "").rsplit(":", 1)[-1]
    return re.sub(r"[^0-9a-z]", "", text.lower())


# Meta data of one account: the first name is the one seen in a secondary
# source where there is one ([S]), all others are [GUESS].
_META = {
    "fiscal_year": ("financialyear", "boekjaar", "fiscalyear", "jaar", "year"),
    "period_start": (  # [GUESS] all
        "financialreportingperiodcurrentstartdate",
        "financialreportingperiodstartdate",
        "periodstartdate",
        "periodstart",
        "startdatumboekjaar",
        "beginboekjaar",
        "begindatum",
        "startdatum",
    ),
    "period_end": (  # [GUESS] all
        "financialreportingperiodcurrentenddate",
        "financialreportingperiodenddate",
        "periodenddate",
        "periodend",
        "balansdatum",
        "einddatumboekjaar",
        "eindeboekjaar",
        "einddatum",
    ),
    "adoption_date": (  # DocumentAdoptionDate [S]
        "documentadoptiondate",
        "adoptiondate",
        "vaststellingsdatum",
        "datumvaststelling",
    ),
    "deposit_date": (  # [GUESS] all
        "documentfilingdate",
        "filingdate",
        "depositdate",
        "datumdeponering",
        "deponeringsdatum",
        "datumdepot",
    ),
    "kind": (  # [GUESS] all
        "documenttype",
        "soortdocument",
        "documentsoort",
        "soortdeponering",
        "kind",
        "soort",
        "type",
    ),
    "size_class": (  # [GUESS] all (LegalEntitySize is the XBRL concept)
        "legalentitysize",
        "grootteklasse",
        "sizeclass",
        "omvang",
    ),
    "consolidated": (  # [GUESS] all
        "financialstatementsconsolidated",
        "consolidated",
        "geconsolideerd",
        "indgeconsolideerd",
    ),
    "sbi_code": ("sbibusinesscode", "sbicode", "sbi"),  # SbiBusinessCode [S]
    "document_url": (  # [GUESS] all: the dataset is not known to link documents
        "documenturl",
        "xbrlurl",
        "pdfurl",
        "downloadurl",
        "documentlink",
        "url",
        "href",
    ),
}

# Key figures (euro). The first names come from the bulk data [S] except the
# income statement ones, which are [GUESS] (the bulk sample had none).
_FIGURES = {
    "total_assets": ("assets", "totalassets", "totaalactiva", "balanstotaal"),
    "non_current_assets": ("assetsnoncurrent", "vasteactiva"),
    "current_assets": ("assetscurrent", "vlottendeactiva"),
    "equity": ("equity", "eigenvermogen"),
    "provisions": ("provisions", "voorzieningen"),
    "liabilities": ("liabilities", "schulden"),
    "current_liabilities": (
        "liabilitiesmaturitylessthanoneyear",
        "liabilitiescurrent",
        "kortlopendeschulden",
    ),
    "non_current_liabilities": (
        "liabilitiesmaturityexceedingoneyear",
        "liabilitiesnoncurrent",
        "langlopendeschulden",
    ),
    "equity_and_liabilities": ("equityandliabilities", "totaalpassiva"),
    "called_up_share_capital": ("calledupsharecapital", "geplaatstkapitaal"),
    "revenue": ("revenue", "netrevenue", "netturnover", "omzet", "nettoomzet"),
    "net_result": (
        "resultaftertax",
        "netresult",
        "profitloss",
        "resultaatnabelastingen",
        "nettoresultaat",
    ),
}

# lists of accounts inside an object [GUESS]
_ACCOUNT_LISTS = (
    "jaarrekeningen",
    "deponeringen",
    "resultaten",
    "accounts",
    "items",
    "data",
)
# nested fields: ``opendataFields`` ([V] at the top, [S] nested); others [GUESS]
_CHILDREN = ("opendatafields", "opendatafield", "fields", "velden")
_LINK_RELS = ("xbrl", "pdf", "document", "jaarrekening", "download")
_CONSOLIDATED_GROUP = re.compile(r"^(consolidated|geconsolideerd)")

# ---------------------------------------------------------------- values --


def _text(value):
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())


def parse_amount(value):
    """A euro amount as :class:`~decimal.Decimal`, or ``None``.

    Accepts numbers and strings with a decimal point or comma, thousands
    separators, a currency sign and ``(123)`` for a negative amount.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    text = _text(value).replace("€", "").replace("EUR", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if not text:
        return None
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in text:
        head, _sep, tail = text.rpartition(",")
        if text.count(",") == 1 and len(tail) in (1, 2):
            text = head + "." + tail
        else:
            text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return -amount if negative else amount


def parse_date(value):
    """``2024-12-31``, ``2024-12-31T00:00:00Z``, ``20241231`` or
    ``31-12-2024`` as a :class:`~datetime.date`; ``None`` otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})([T ].*)?", text)
    if match:
        parts = int(match[1]), int(match[2]), int(match[3])
    elif re.fullmatch(r"\d{8}", text):
        parts = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if not match:
            return None
        parts = int(match[3]), int(match[2]), int(match[1])
    try:
        return date(*parts)
    except ValueError:
        return None


def _year(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        match = re.match(r"^\s*(\d{4})\b", _text(value))
        if not match:
            return None
        number = int(match[1])
    return number if 1900 <= number <= 2100 else None


def _flag(value):
    if isinstance(value, bool):
        return value
    text = _norm(value)
    if text in ("ja", "j", "yes", "y", "true", "1", "consolidated", "geconsolideerd"):
        return True
    if text in (
        "nee",
        "n",
        "no",
        "false",
        "0",
        "enkelvoudig",
        "separate",
        "nonconsolidated",
    ):
        return False
    return None


def _kind(value):
    text = _norm(value)
    if not text:
        return "jaarrekening"  # the dataset publishes adopted annual accounts
    if "publicatie" in text or "publication" in text:
        return "publicatiestukken"
    if any(word in text for word in ("jaarrekening", "annual", "financialstatement")):
        return "jaarrekening"
    return "other"


def _size_class(value):
    text = _norm(value)
    if not text:
        return ""
    if "micro" in text:
        return "micro"
    if "middel" in text or "medium" in text:
        return "medium"
    if "klein" in text or "small" in text:
        return "small"
    if "groot" in text or "large" in text:
        return "large"
    return ""


def _document_type(url="", content_type="", content=b""):
    head = (content or b"")[:512].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"<"):
        return "xbrl"
    content_type = (content_type or "").lower()
    if "pdf" in content_type:
        return "pdf"
    if "xml" in content_type or "xbrl" in content_type:
        return "xbrl"
    path = urlsplit(url or "").path.lower()
    if path.endswith(".pdf"):
        return "pdf"
    if path.endswith((".xbrl", ".xml", ".xhtml", ".html")):
        return "xbrl"
    return "other" if (url or content) else ""


# ----------------------------------------------------------- dataclasses --


@dataclass(frozen=True)
class KeyFigures:
    """Euro amounts the dataset carries; ``None`` where it has none."""

    total_assets: Decimal | None = None
    non_current_assets: Decimal | None = None
    current_assets: Decimal | None = None
    equity: Decimal | None = None
    provisions: Decimal | None = None
    liabilities: Decimal | None = None
    current_liabilities: Decimal | None = None
    non_current_liabilities: Decimal | None = None
    equity_and_liabilities: Decimal | None = None
    called_up_share_capital: Decimal | None = None
    revenue: Decimal | None = None
    net_result: Decimal | None = None

    def items(self):
        """``(name, amount)`` of the figures that are present."""
        return [
            (name, getattr(self, name))
            for name in _FIGURES
            if getattr(self, name) is not None
        ]


@dataclass(frozen=True)
class AnnualAccount:
    """One deposited annual account as the open data shows it."""

    fiscal_year: int | None
    period_start: date | None = None
    period_end: date | None = None
    adoption_date: date | None = None
    deposit_date: date | None = None
    kind: str = "jaarrekening"  # one of KINDS
    size_class: str = ""  # one of SIZE_CLASSES or ""
    consolidated: bool = False
    sbi_code: str = ""
    document_url: str = ""  # as given: absolute or relative to the host
    document_type: str = ""  # guessed from the address; see Document
    figures: KeyFigures = field(default_factory=KeyFigures)
    #: every published value, flattened: ``(("BalanceSheet / Assets", "1200"), ...)``
    fields: tuple[tuple[str, str], ...] = ()
    raw: object = field(default=None, compare=False, repr=False)

    @property
    def key(self):
        """Identity of the account within one company (for updates)."""
        return "%s|%s|%s|%s" % (
            self.fiscal_year or "",
            self.period_end.isoformat() if self.period_end else "",
            self.kind,
            "consolidated" if self.consolidated else "separate",
        )

    @property
    def sort_key(self):
        end = self.period_end or (
            date(self.fiscal_year, 12, 31) if self.fiscal_year else date.min
        )
        return (end, self.adoption_date or date.min, self.consolidated)


@dataclass(frozen=True)
class AnnualAccountList:
    """The answer for one KvK number: ``accounts`` newest first."""

    kvk_number: str
    accounts: tuple[AnnualAccount, ...] = ()
    #: entries without a fiscal year or period end (cannot be told apart)
    skipped: int = 0
    raw: object = field(default=None, compare=False, repr=False)

    def __iter__(self):
        return iter(self.accounts)

    def __len__(self):
        return len(self.accounts)

    def __bool__(self):
        return bool(self.accounts)


@dataclass(frozen=True)
class Document:
    """A retrieved annual-account document."""

    content: bytes = field(repr=False)
    filename: str
    content_type: str
    document_type: str  # one of DOCUMENT_TYPES
    url: str = ""


# ---------------------------------------------------------------- parsing --


@dataclass(frozen=True)
class _Leaf:
    path: tuple[str, ...]  # labels of the enclosing groups
    label: str
    key: str  # normalised
    value: object


def _children(item):
    for name, value in item.items():
        if _norm(name) in _CHILDREN and isinstance(value, list | dict):
            return value
    return None


def _leaves(node, path=()):
    """Every value of an account node, depth first."""
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and ("key" in item or "naam" in item):
                label = _text(item.get("key", item.get("naam")))
                children = _children(item)
                if children is not None:
                    yield from _leaves(children, path + (label,))
                else:
                    value = item.get("value", item.get("waarde"))
                    yield _Leaf(path, label, _norm(label), value)
            elif isinstance(item, dict | list):
                yield from _leaves(item, path)
        return
    if not isinstance(node, dict):
        return
    for name, value in node.items():
        key = _norm(name)
        if key in ("links", "_links", "raw"):
            continue
        if key in _CHILDREN:
            yield from _leaves(value, path)
        elif isinstance(value, dict | list):
            yield from _leaves(value, path + (str(name),))
        else:
            yield _Leaf(path, str(name), key, value)


def _links(node):
    """Document addresses in HAL ``_links`` or ``links: [{rel, href}]`` [GUESS]."""
    if not isinstance(node, dict):
        return []
    found = []
    for name, value in node.items():
        key = _norm(name)
        if key == "links" and isinstance(value, dict):
            for rel, link in value.items():
                href = link.get("href") if isinstance(link, dict) else link
                if _norm(rel) in _LINK_RELS and isinstance(href, str):
                    found.append(href)
        elif key == "links" and isinstance(value, list):
            for link in value:
                if (
                    isinstance(link, dict)
                    and _norm(link.get("rel")) in _LINK_RELS
                    and isinstance(link.get("href"), str)
                ):
                    found.append(link["href"])
    return found


def _is_consolidated_path(path):
    return any(_CONSOLIDATED_GROUP.match(_norm(label)) for label in path)


def _pick(leaves, names, consolidated=None):
    """The first leaf named like one of ``names`` (in their order); with
    ``consolidated`` given, leaves under a matching group come first."""
    for name in names:
        matching = [leaf for leaf in leaves if leaf.key == name]
        if not matching:
            continue
        if consolidated is not None:
            matching.sort(
                key=lambda leaf: (
                    _is_consolidated_path(leaf.path) != consolidated,
                    len(leaf.path),
                )
            )
        else:
            matching.sort(key=lambda leaf: len(leaf.path))
        for leaf in matching:
            if _text(leaf.value) or isinstance(leaf.value, bool | int | float):
                return leaf
    return None


def _value(leaves, what, convert=_text):
    leaf = _pick(leaves, _META[what])
    return convert(leaf.value) if leaf is not None else convert(None)


def _looks_like_url(text):
    return text.startswith(("http://", "https://", "/"))


def parse_account(node) -> AnnualAccount | None:
    """One account node (an ``Opendata`` object, a group of fields or a flat
    object); ``None`` when it has neither a fiscal year nor a period end."""
    leaves = list(_leaves(node))
    if not leaves:
        return None
    period_end = _value(leaves, "period_end", parse_date)
    fiscal_year = _value(leaves, "fiscal_year", _year)
    if fiscal_year is None and period_end is not None:
        fiscal_year = period_end.year
    if fiscal_year is None and period_end is None:
        return None
    consolidated = _value(leaves, "consolidated", _flag)
    if consolidated is None:
        consolidated = any(_is_consolidated_path(leaf.path) for leaf in leaves)
    urls = [
        _text(leaf.value)
        for name in _META["document_url"]
        for leaf in leaves
        if leaf.key == name and _looks_like_url(_text(leaf.value))
    ] + [url for url in _links(node) if _looks_like_url(url)]
    document_url = urls[0] if urls else ""
    figures = {}
    for name, aliases in _FIGURES.items():
        leaf = _pick(leaves, aliases, consolidated)
        if leaf is not None:
            figures[name] = parse_amount(leaf.value)
    published = tuple(
        (" / ".join(leaf.path + (leaf.label,)), _text(leaf.value))
        for leaf in leaves
        if _text(leaf.value)
    )
    return AnnualAccount(
        fiscal_year=fiscal_year,
        period_start=_value(leaves, "period_start", parse_date),
        period_end=period_end,
        adoption_date=_value(leaves, "adoption_date", parse_date),
        deposit_date=_value(leaves, "deposit_date", parse_date),
        kind=_kind(_value(leaves, "kind")),
        size_class=_size_class(_value(leaves, "size_class")),
        consolidated=bool(consolidated),
        sbi_code=_value(leaves, "sbi_code"),
        document_url=document_url,
        document_type=_document_type(document_url) if document_url else "",
        figures=KeyFigures(**figures),
        fields=published,
        raw=node,
    )


def _has_own_period(item):
    """Whether a group directly carries a fiscal year or period end."""
    children = _children(item) if isinstance(item, dict) else None
    if not isinstance(children, list):
        return False
    names = set(_META["fiscal_year"]) | set(_META["period_end"])
    return any(
        isinstance(child, dict) and _norm(child.get("key")) in names
        for child in children
    )


def _account_nodes(body):
    """Split an answer into account nodes (see the module docstring)."""
    if isinstance(body, list):
        return [item for item in body if isinstance(item, dict | list)]
    if not isinstance(body, dict):
        raise KvkParseError("the annual accounts answer is not a JSON object or list")
    for name, value in body.items():
        if _norm(name) in _ACCOUNT_LISTS and isinstance(value, list):
            return [item for item in value if isinstance(item, dict | list)]
    if isinstance(body.get("opendata"), dict | list):
        return _account_nodes(body["opendata"])
    children = _children(body)
    if isinstance(children, list):
        top_names = set(_META["fiscal_year"]) | set(_META["period_end"])
        top_level_period = any(
            isinstance(item, dict) and _norm(item.get("key")) in top_names
            for item in children
        )
        groups = [item for item in children if _has_own_period(item)]
        if groups and not top_level_period:
            return groups  # [GUESS] one group per deposited account
        return [body] if children else []
    return [body]


def parse_annual_accounts(body, kvk_number="") -> AnnualAccountList:
    """Read an answer of the open-data endpoint; ``None`` (no body) is empty."""
    if body is None:
        return AnnualAccountList(kvk_number, (), 0, raw=body)
    accounts = {}
    skipped = 0
    for node in _account_nodes(body):
        account = parse_account(node)
        if account is None:
            skipped += 1
        else:
            accounts.setdefault(account.key, account)  # the first one wins
    ordered = sorted(accounts.values(), key=lambda a: a.sort_key, reverse=True)
    return AnnualAccountList(kvk_number, tuple(ordered), skipped, raw=body)


# ------------------------------------------------------------ rate limit --


class RateLimiter:
    """One call per ``interval`` seconds, without sleeping.

    ``clock`` returns seconds (``time.time`` by default, so the state can be
    stored and shared between processes as ``next_allowed``).
    :meth:`try_acquire` claims the slot and returns 0, or returns the seconds
    still to wait; :meth:`defer` pushes the next slot back (a ``Retry-After``).
    """

    def __init__(
        self, interval=RATE_LIMIT_INTERVAL, clock=time.time, next_allowed=None
    ):
        if interval <= 0:
            raise ValueError("The interval must be positive.")
        self.interval = float(interval)
        self.clock = clock
        self.next_allowed = float(next_allowed) if next_allowed else 0.0

    def wait_time(self):
        """Seconds until the next call may be made (0: now)."""
        return max(0.0, self.next_allowed - self.clock())

    def try_acquire(self):
        """Claim the slot: 0.0 when the call may be made now, else the wait."""
        wait = self.wait_time()
        if wait > 0:
            return wait
        self.next_allowed = self.clock() + self.interval
        return 0.0

    def defer(self, seconds):
        """No call before ``seconds`` from now (e.g. after a 429)."""
        self.next_allowed = max(self.next_allowed, self.clock() + float(seconds))

    def eta(self, position=0):
        """Seconds until the call at queue ``position`` (0: the next) may run."""
        return self.wait_time() + max(0, int(position)) * self.interval


# ---------------------------------------------------------------- client --


def _filename(headers, url, document_type):
    disposition = headers.get("Content-Disposition") or ""
    name = ""
    if disposition:
        message = Message()
        message["Content-Disposition"] = disposition
        name = message.get_filename() or ""
    if not name:
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\- ]", "_", name).strip(" .")
    extension = {"pdf": ".pdf", "xbrl": ".xbrl"}.get(document_type, "")
    if name and "." not in name and extension:
        name += extension
    return name


class KvkOpenDataClient(http_client.HttpClient):
    """The KvK open-data host (no API key). ``base_url`` replaces
    https://opendata.kvk.nl (a local stand-in); other keyword arguments go to
    :class:`~in2dmm_credit.tools.http_client.HttpClient`.

    A 429 is retried by the shared client when its ``Retry-After`` is short;
    a longer one raises :class:`ApiRateLimited` with ``retry_after``.
    """

    service_name = "KvK open data"
    accept = "application/json"
    temporarily_unavailable_codes = kvk_client.TEMPORARILY_UNAVAILABLE_CODES

    def __init__(self, base_url=None, **kwargs):
        kwargs.pop("api_key", None)  # the open data needs none
        super().__init__(base_url or OPEN_DATA_URL, **kwargs)

    def _error_details(self, response, payload):
        details = kvk_client.fout_details(payload)
        if details is None:
            return super()._error_details(response, payload)
        return details

    def _success(self, response, expect_json):
        result = super()._success(response, expect_json)
        if not expect_json:
            # a document can be binary (PDF): keep the bytes, not only the text
            result.content = response.content
        return result

    def annual_accounts(self, kvk_number) -> AnnualAccountList:
        """The annual accounts of a KvK number; empty when there are none."""
        number = kvk_numbers.clean_kvk_number(kvk_number)
        try:
            data = self.get(ANNUAL_ACCOUNTS_PATH % number)
        except ApiNotFound:
            return AnnualAccountList(number)
        try:
            return parse_annual_accounts(data, number)
        except KvkParseError as exc:
            raise ApiBadResponse(
                "%s: %s" % (self.service_name, exc), service=self.service_name
            ) from None

    def document_url(self, url):
        """The absolute address of a document link, or :class:`ValueError`
        when it may not be fetched: only http(s) on the open-data host itself
        or https on a ``kvk.nl`` host."""
        url = (url or "").strip()
        if not url:
            raise ValueError("The KvK open data gives no document address.")
        target = urljoin(self.base_url + "/", url)
        parts = urlsplit(target)
        own = urlsplit(self.base_url)
        host = (parts.hostname or "").lower()
        same_host = parts.scheme == own.scheme and parts.netloc == own.netloc
        kvk_host = parts.scheme == "https" and (
            host == "kvk.nl" or host.endswith(".kvk.nl")
        )
        if parts.scheme not in ("http", "https") or not (same_host or kvk_host):
            raise ValueError(
                "The document address %s is not on a KvK host; it is not "
                "downloaded." % url[:200]
            )
        return target

    def download(self, url) -> Document:
        """Fetch an annual-account document (XBRL or PDF)."""
        target = self.document_url(url)
        response = self.request(
            "GET",
            target,
            expect_json=False,
            headers={"Accept": "application/xml, application/pdf, */*"},
        )
        content = getattr(response, "content", None)
        if content is None:
            content = (response.text or "").encode()
        if not content:
            raise ApiBadResponse(
                "%s: the document is empty." % self.service_name,
                service=self.service_name,
            )
        if len(content) > MAX_DOCUMENT_BYTES:
            raise ApiBadResponse(
                "%s: the document is larger than %d MB."
                % (self.service_name, MAX_DOCUMENT_BYTES // (1024 * 1024)),
                service=self.service_name,
            )
        content_type = (response.headers.get("Content-Type") or "").split(";")[0]
        document_type = _document_type(target, content_type, content)
        return Document(
            content=content,
            filename=_filename(response.headers, target, document_type),
            content_type=content_type.strip() or "application/octet-stream",
            document_type=document_type,
            url=target,
        )
