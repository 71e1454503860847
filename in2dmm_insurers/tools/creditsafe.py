"""Creditsafe Connect adapter: buyer search, ratings and portfolio monitoring.

Creditsafe is a credit-information bureau, not an insurer: it offers no limit
applications and no overdue reporting (those raise ``NotSupported``). Since it
took over Graydon it also carries Graydon's Dutch data and rating scale.

What this follows (``../shared/research/insurers.md`` §4, §5 and §10; legend
there: [DOC] the provider's published docs, [CODE] public client code,
[GUESS] not found in any source, to confirm in the sandbox):

* Servers [DOC]: ``https://connect.sandbox.creditsafe.com/v1`` (new accounts
  start there) and ``https://connect.creditsafe.com/v1``.
* Token [DOC]: ``POST authenticate`` with ``{"username", "password"}`` answers
  ``{"token"}``; calls send ``Authorization: Bearer <token>``. The answer gives
  no lifetime: one hour is assumed [GUESS], see :data:`TOKEN_LIFETIME`.
* Errors [DOC, partly]: ``{"correlationId", "message", "details"}``; some
  answers carry ``error`` instead of ``message``.
* Buyer search [DOC]: ``GET companies?countries&regNo|vatNo|name+postCode+city
  &pageSize``; answer ``{"totalSize", "companies": [{"id" (the connectId),
  "safeNo", "regNo", "name", "address": {"simpleValue" | "street", "city",
  "postCode"}, "status"}]}``, ranked best first.
* Report [DOC/CODE]: ``GET companies/{connectId}?language``; the rating sits in
  ``report.creditScore``: ``currentCreditRating{commonValue (A-E),
  commonDescription, creditLimit{value, currency}, providerValue{value,
  minValue, maxValue}, providerDescription}``, ``previousCreditRating`` and
  ``latestRatingChangeDate``.
* Graydon [DOC creditsafe.com/nl, graydon.nl]: Dutch reports carry Graydon's
  rating AAA (best) .. C, D (insolvent), NR (none). That the grade arrives as
  ``providerValue.value`` of the report is a [GUESS]: when that value is such a
  grade the rating is reported on the ``graydon`` scale.
* Monitoring [DOC]: polling only ("webhooks are not supported").
  ``POST monitoring/portfolios`` ``{name, isDefault, emails, frequency}`` ->
  ``portfolioId``; ``POST monitoring/portfolios/{id}/companies`` ``{id,
  personalReference, freeText, personalLimit}`` (409 when the company is
  already in it); ``GET monitoring/portfolios/{id}/notificationEvents?startDate
  &page&pageSize``. Rule 101 is the change of the international score band
  A-E [DOC]. The shape of the events answer (``{"totalCount", "data": [...]}``
  with ``eventId, eventDate, ruleCode, ruleName, oldValue, newValue,
  company{id}``) is from a client generated from Creditsafe's OpenAPI file
  [CODE]; older shapes (``companyId``, other list keys) are accepted [GUESS].
  Other rule codes are country-specific and not public: their kind is derived
  from the rule name [GUESS].
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from .insurer import Buyer, Identifiers, InsurerAdapter, MonitoringEvent, Rating
from .shared_http import http_client

ApiError = http_client.ApiError
ApiBadResponse = http_client.ApiBadResponse
ApiNotFound = http_client.ApiNotFound

BASE_URLS = {
    "test": "https://connect.sandbox.creditsafe.com/v1",
    "production": "https://connect.creditsafe.com/v1",
}
#: The token answer carries no lifetime. We assume one hour [GUESS]; the base
#: class renews it ``token_refresh_margin`` seconds before that, and fetches a
#: new one once when a call is answered 401 anyway.
TOKEN_LIFETIME = 3600
#: Graydon's rating scale, best first [DOC graydon.nl]
GRAYDON_GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D", "NR")
#: the rule "international score band (A-E) changed" [DOC]
RULE_SCORE_BAND = "101"
#: keywords in a rule name -> event kind, first match wins [GUESS]; insolvency
#: comes first so that e.g. "status changed to liquidation" is never missed
KIND_KEYWORDS = (
    ("insolvency", ("insolv", "bankrupt", "faillis", "liquidat", "surseance")),
    ("limit", ("limit", "limiet")),
    ("rating", ("rating", "score")),
    ("identity", ("name", "naam", "address", "adres")),
    ("status", ("status",)),
)
SEARCH_PAGE_SIZE = 5


def _text(value):
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _first(mapping, keys):
    """The first non-empty value of ``keys`` in ``mapping`` as text (0 counts)."""
    for key in keys:
        text = _text(mapping.get(key))
        if text:
            return text
    return ""


def _dict(value):
    return value if isinstance(value, dict) else {}


def _decimal(value, what):
    """``value`` (a number or a numeric string) as Decimal; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ApiBadResponse("Creditsafe: invalid %s %r" % (what, value))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApiBadResponse("Creditsafe: invalid %s %r" % (what, value)) from None
    if not number.is_finite():
        raise ApiBadResponse("Creditsafe: invalid %s %r" % (what, value))
    return number


def _is_number(value):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        return Decimal(str(value).strip()).is_finite()
    except InvalidOperation:
        return False


def _date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ApiBadResponse("Creditsafe: invalid date %r" % value) from None


def _graydon_grade(value):
    grade = _text(value).upper()
    return grade if grade in GRAYDON_GRADES else ""


def _address_text(address):
    address = _dict(address)
    simple = _text(address.get("simpleValue"))
    if simple:
        return simple
    place = " ".join(
        part
        for part in (_text(address.get("postCode")), _text(address.get("city")))
        if part
    )
    return ", ".join(part for part in (_text(address.get("street")), place) if part)


def parse_company(item, match="") -> Buyer:
    """One company of a search answer as a Buyer (its id is the connectId)."""
    if not isinstance(item, dict):
        raise ApiBadResponse("Creditsafe: a search result is not an object")
    connect_id = _first(item, ("id", "connectId"))
    if not connect_id:
        raise ApiBadResponse("Creditsafe: a search result without id (connectId)")
    return Buyer(
        id=connect_id,
        name=_text(item.get("name")),
        match=match,
        address=_address_text(item.get("address")),
    )


def parse_rating(buyer_id, data) -> Rating | None:
    """The rating in a company report (``GET companies/{connectId}``), or
    None when the report has no credit score."""
    if not isinstance(data, dict):
        raise ApiBadResponse("Creditsafe: the report answer is not an object")
    report = _dict(data.get("report"))
    score = report.get("creditScore")
    if not isinstance(score, dict):
        return None
    current = score.get("currentCreditRating")
    if not isinstance(current, dict):
        return None
    previous = _dict(score.get("previousCreditRating"))
    provider = _dict(current.get("providerValue"))
    limit = _dict(current.get("creditLimit"))
    advised_limit = _decimal(limit.get("value"), "credit limit")
    currency = _text(limit.get("currency")).upper()
    rated_on = _date(score.get("latestRatingChangeDate"))

    grade = _graydon_grade(provider.get("value"))
    if grade:
        # Graydon's grade in the provider value: Dutch data [GUESS placement]
        return Rating(
            buyer_id=buyer_id,
            scale="graydon",
            value=grade,
            description=_text(current.get("providerDescription"))
            or _text(current.get("commonDescription")),
            advised_limit=advised_limit,
            currency=currency,
            rated_on=rated_on,
            previous_value=_graydon_grade(
                _dict(previous.get("providerValue")).get("value")
            ),
        )
    value = _text(current.get("commonValue")).upper()
    if not value:
        return None
    raw_score = provider.get("value")
    return Rating(
        buyer_id=buyer_id,
        scale="creditsafe",
        value=value,
        description=_text(current.get("commonDescription"))
        or _text(current.get("providerDescription")),
        # a provider score that is no number (a local code) is left out
        score=_decimal(raw_score, "score") if _is_number(raw_score) else None,
        score_min=_decimal(provider.get("minValue"), "minimum score"),
        score_max=_decimal(provider.get("maxValue"), "maximum score"),
        advised_limit=advised_limit,
        currency=currency,
        rated_on=rated_on,
        previous_value=_text(previous.get("commonValue")).upper(),
    )


def event_kind(rule_code, rule_name) -> str:
    """The neutral kind of a notification event (see ``EVENT_KINDS``)."""
    if _text(rule_code) == RULE_SCORE_BAND:
        return "rating"
    name = _text(rule_name).lower()
    for kind, keywords in KIND_KEYWORDS:
        if any(keyword in name for keyword in keywords):
            return kind
    return "other"


def parse_event(item) -> MonitoringEvent:
    """One notification event as a MonitoringEvent (fields [CODE]/[GUESS])."""
    if not isinstance(item, dict):
        raise ApiBadResponse("Creditsafe: a notification event is not an object")
    event_id = _first(item, ("eventId", "notificationEventId", "id"))
    company = _dict(item.get("company"))
    buyer_id = _first(company, ("id", "connectId")) or _text(item.get("companyId"))
    if not event_id or not buyer_id:
        raise ApiBadResponse("Creditsafe: a notification event without id or company")
    rule_name = _text(item.get("ruleName"))
    return MonitoringEvent(
        event_id=event_id,
        buyer_id=buyer_id,
        kind=event_kind(item.get("ruleCode"), rule_name),
        event_date=_date(item.get("eventDate")),
        old_value=_text(item.get("oldValue")),
        new_value=_text(item.get("newValue")),
        text=rule_name or _first(item, ("summary", "ruleText")),
    )


def _portfolio_id(data):
    data = _dict(data)
    for source in (data, _dict(data.get("portfolio"))):
        value = _first(source, ("portfolioId", "id"))
        if value:
            return value
    return ""


class CreditsafeClient(http_client.HttpClient, InsurerAdapter):
    """Creditsafe Connect for one user: search, report ratings, monitoring."""

    service_name = "Creditsafe"
    uses_bearer_token = True
    capabilities = frozenset({"buyer", "rating", "monitoring"})
    #: notification events per page, and the most pages read in one call
    events_page_size = 100
    max_event_pages = 500

    def __init__(
        self,
        username,
        password,
        environment="test",
        *,
        portfolio_id="",
        base_url=None,
        language="en",
        **kwargs,
    ):
        if environment not in BASE_URLS:
            raise ValueError("The environment must be 'test' or 'production'.")
        if not (username and password):
            raise ValueError("Creditsafe needs a username and a password.")
        super().__init__(base_url or BASE_URLS[environment], **kwargs)
        self.username = username
        self._password = password
        self.portfolio_id = _text(portfolio_id)
        self.language = language or "en"
        self.add_secret(password)

    # -------------------------------------------------------------- auth --

    def _fetch_token(self):
        data = self.post(
            "authenticate",
            json={"username": self.username, "password": self._password},
            authenticate=False,
            idempotent=True,  # a login changes nothing: safe to repeat
        )
        if not isinstance(data, dict):
            raise ApiBadResponse("Creditsafe: the token answer is not an object")
        return data.get("token"), TOKEN_LIFETIME

    def _error_details(self, response, payload):
        if isinstance(payload, dict):
            message = _first(payload, ("message", "error"))
            details = payload.get("details")
            if isinstance(details, list):
                details = "; ".join(_text(d) for d in details if _text(d))
            details = _text(details)
            text = ": ".join(part for part in (message, details) if part)
            if text:
                correlation = _text(payload.get("correlationId"))
                if correlation:
                    # support asks for it
                    text = "%s (correlation id %s)" % (text, correlation)
                return None, text
        return super()._error_details(response, payload)

    # ------------------------------------------------------------ buyers --

    def find_buyer(self, identifiers: Identifiers) -> Buyer | None:
        """The best match for a KvK number, else a VAT number, else a name
        with postcode (and city); None when nothing is found."""
        params = {"countries": (identifiers.country or "NL").strip().upper()}
        kvk = "".join(identifiers.kvk.split())
        vat = "".join(identifiers.vat.split()).upper()
        if kvk:
            params["regNo"], match = kvk, "kvk"
        elif vat:
            params["vatNo"], match = vat, "vat"
        elif identifiers.name.strip():
            params["name"], match = identifiers.name.strip(), "name_address"
            if identifiers.postcode.strip():
                params["postCode"] = identifiers.postcode.strip()
            if identifiers.city.strip():
                params["city"] = identifiers.city.strip()
        else:
            raise ValueError(
                "Give a KvK number, a VAT number or a name to look the company up."
            )
        params["pageSize"] = SEARCH_PAGE_SIZE
        try:
            data = self.get("companies", params=params)
        except ApiNotFound:
            return None
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ApiBadResponse("Creditsafe: the search answer is not an object")
        companies = data.get("companies")
        if not companies:
            return None
        if not isinstance(companies, list):
            raise ApiBadResponse("Creditsafe: the search answer has no company list")
        return parse_company(companies[0], match)

    # ----------------------------------------------------------- ratings --

    def rating(self, buyer_id: str) -> Rating | None:
        """The rating in the company's report (a report may be charged);
        None when the report has no credit score. An unknown connectId
        raises ApiNotFound."""
        buyer_id = _text(buyer_id)
        if not buyer_id:
            raise ValueError("Give the Creditsafe id (connectId) of the company.")
        data = self.get(
            "companies/%s" % quote(buyer_id, safe=""),
            params={"language": self.language},
        )
        return parse_rating(buyer_id, data)

    # -------------------------------------------------------- monitoring --

    def _portfolio_path(self):
        if not self.portfolio_id:
            raise ValueError(
                "No Creditsafe monitoring portfolio is set: create one first."
            )
        return "monitoring/portfolios/%s" % quote(self.portfolio_id, safe="")

    def ensure_portfolio(self, name) -> str:
        """The monitoring portfolio's id; created (once) when none is set."""
        if self.portfolio_id:
            return self.portfolio_id
        if not _text(name):
            raise ValueError("Give a name for the Creditsafe monitoring portfolio.")
        data = self.post(
            "monitoring/portfolios",
            json={
                "name": _text(name),
                "isDefault": False,
                "emails": [],
                "frequency": "daily",
            },
        )
        portfolio_id = _portfolio_id(data)
        if not portfolio_id:
            raise ApiBadResponse("Creditsafe: the new portfolio has no portfolioId")
        self.portfolio_id = portfolio_id
        return portfolio_id

    def monitor(self, buyer_id: str, reference: str = "") -> None:
        """Add the company to the portfolio (already there is fine)."""
        path = self._portfolio_path() + "/companies"
        buyer_id = _text(buyer_id)
        if not buyer_id:
            raise ValueError("Give the Creditsafe id (connectId) of the company.")
        try:
            self.request(
                "POST",
                path,
                json={
                    "id": buyer_id,
                    "personalReference": reference or "",
                    "freeText": "",
                    "personalLimit": "",
                },
            )
        except ApiError as exc:
            if exc.status != 409:  # 409: already in the portfolio
                raise

    def events(self, since: date | None = None) -> list[MonitoringEvent]:
        """The portfolio's notification events (from ``since``), all pages."""
        path = self._portfolio_path() + "/notificationEvents"
        params = {"pageSize": self.events_page_size}
        if since:
            day = since.date() if isinstance(since, datetime) else since
            params["startDate"] = day.isoformat()
        result, seen = [], set()
        for page in range(self.max_event_pages):
            data = self.get(path, params={**params, "page": page})
            if data is None:
                break
            if not isinstance(data, dict):
                raise ApiBadResponse("Creditsafe: the events answer is not an object")
            total = data.get("totalCount")
            items = next(
                (
                    data[key]
                    for key in ("data", "notificationEvents", "events")
                    if isinstance(data.get(key), list)
                ),
                None,
            )
            if items is None:
                if _is_number(total) and Decimal(str(total)) > 0:
                    raise ApiBadResponse("Creditsafe: the events answer has no list")
                break
            for item in items:
                event = parse_event(item)
                key = (event.event_id, event.buyer_id)
                if key not in seen:
                    seen.add(key)
                    result.append(event)
            if len(items) < self.events_page_size:
                break
            if _is_number(total) and (page + 1) * self.events_page_size >= Decimal(
                str(total)
            ):
                break
        else:
            raise ApiBadResponse(
                "Creditsafe: more than %d pages of events; ask for a later start date."
                % self.max_event_pages
            )
        return result
