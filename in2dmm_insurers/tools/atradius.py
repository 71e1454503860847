"""Atradius credit-insurance API adapter (documented parts only).

What this follows (``../shared/research/insurers.md`` §2, from public client
code, marked [CODE] there; the Atradius handbooks sit behind registration):

* Token: ``POST /authenticate/v2/tokens`` with ``Authorization: Basic
  base64(client_id:client_secret)`` and ``Atradius-App-Key``; answer
  ``{"data": {"access_token", "token_type", "expires_in"}}`` (v1 used
  ``accessToken``). Calls send ``Bearer`` plus the app key.
* Buyer lookup: ``GET /credit-insurance/organisation-management/v1/buyers``
  with ``customerId, policyId, country (ISO3), uid, uidType``. The Dutch
  ``uidType`` codes for a KvK or VAT number are NOT public: they are a
  setting (``uid_types``) here, with a guess as default. A lookup may be
  charged: :meth:`AtradiusClient.find_buyer` makes one call per identifier
  (KvK number first, then VAT number) and stops at the first hit.
* Buyer rating: ``GET .../buyers/{buyerId}`` -> ``currentBuyerRating``,
  ``currentBuyerRatingClass``; the date field of the rating is a guess
  (``ratingDate`` or ``currentBuyerRatingDate``) [GUESS].
* Monitoring: Atradius monitors every buyer of the policy by itself (no
  "add to monitoring" call, :meth:`AtradiusClient.monitor` does nothing); the
  changes are polled from ``GET .../buyers/my-buyers``, filtered on the
  rating-updated-after date. The name of that filter is a guess
  (:attr:`AtradiusClient.rating_updated_after_param`) [GUESS]; pagination of
  the list is undocumented (one page is read).
* Limit request: ``POST /credit-insurance/cover-management/v1/covers``; HTTP 201
  means decided, 202 referred to an underwriter. Amend or cancel: ``PUT`` on
  the same path with ``action`` ``supersede`` / ``reduce`` / ``cancel``.
* Decisions: ``GET .../covers/decisions?policyId&customerId&fromDate``; fields
  ``coverId, buyerId, coverStatus, decisionCode, decisionTypeDescription,
  totalDecision{decisionAmtInPolicyCurrency, decisionExpiryDate,
  decisionConditions[]}, effectFromDate, decisionDate, policyCurrencyCode``;
  always the policy-currency amounts (the applied amount is not the approved one).
* Errors: ``{"errors": [{"detail", "source": {"parameter"}}]}``.
"""

from __future__ import annotations

import base64
import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from .insurer import (
    Buyer,
    Condition,
    Decision,
    Identifiers,
    InsurerAdapter,
    LimitRequest,
    MonitoringEvent,
    Rating,
)
from .shared_http import http_client

_logger = logging.getLogger(__name__)

ApiError = http_client.ApiError
ApiBadResponse = http_client.ApiBadResponse
ApiNotFound = http_client.ApiNotFound

BASE_URLS = {
    "test": "https://api-uat.atradius.com",
    "production": "https://api.atradius.com",
}
COVERS = "credit-insurance/cover-management/v1/covers"
BUYERS = "credit-insurance/organisation-management/v1/buyers"
#: decision codes (the "Cover Codes" appendix as cited in public code)
APPROVED = {"DC01", "DC02", "DC04", "DC09", "DC10", "DC11", "DC21", "DC22"}
REFUSED = {"DC03", "DC05", "DC06", "DC07"}
WITHDRAWN = {"DC08"}
#: the Dutch identifier types are not public: a setting with a guess [GUESS]
DEFAULT_UID_TYPES = {"kvk": "KVK", "vat": "VAT"}
#: ISO 3166-1 alpha-2 -> alpha-3 (the lookup's ``country``): the EU and EEA,
#: the United Kingdom, Switzerland and the United States. "EL" is Greece's
#: prefix in VAT numbers.
ISO3 = {
    "AT": "AUT",
    "BE": "BEL",
    "BG": "BGR",
    "CH": "CHE",
    "CY": "CYP",
    "CZ": "CZE",
    "DE": "DEU",
    "DK": "DNK",
    "EE": "EST",
    "EL": "GRC",
    "ES": "ESP",
    "FI": "FIN",
    "FR": "FRA",
    "GB": "GBR",
    "GR": "GRC",
    "HR": "HRV",
    "HU": "HUN",
    "IE": "IRL",
    "IS": "ISL",
    "IT": "ITA",
    "LI": "LIE",
    "LT": "LTU",
    "LU": "LUX",
    "LV": "LVA",
    "MT": "MLT",
    "NL": "NLD",
    "NO": "NOR",
    "PL": "POL",
    "PT": "PRT",
    "RO": "ROU",
    "SE": "SWE",
    "SI": "SVN",
    "SK": "SVK",
    "US": "USA",
}
#: the text of the error Atradius gives when no buyer matches (seen in public
#: code; the HTTP status that comes with it is not known) [GUESS]
NO_MATCH_TEXT = "no buyer match"


def iso3(country) -> str:
    """The ISO 3166-1 alpha-3 code of an alpha-2 code (an alpha-3 code of the
    map is returned as it is); ValueError for a country outside the map."""
    code = str(country or "").strip().upper()
    if code in ISO3:
        return ISO3[code]
    if code in ISO3.values():
        return code
    if not code:
        raise ValueError("Atradius: the customer has no country for the buyer lookup.")
    raise ValueError(
        "Atradius: the country %r is not supported for the buyer lookup (EU/EEA "
        "countries, GB, CH and US are)." % code
    )


def _date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ApiBadResponse("Atradius: invalid date %r" % value) from None


def _amount(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ApiBadResponse("Atradius: invalid amount %r" % value) from None


def _text(value):
    return "" if value is None else str(value)


def _guessed_date(value):
    """A date from a field whose name or format is a guess: None when unreadable."""
    try:
        return _date(value)
    except ApiBadResponse:
        return None


def _first(data):
    """The object of a ``data`` that is an object or a list of objects."""
    if isinstance(data, list):
        data = data[0] if data else None
    if data is not None and not isinstance(data, dict):
        raise ApiBadResponse("Atradius: the buyer answer is not an object")
    return data


def _rating_date(item):
    # the field name is a guess [GUESS]
    return _guessed_date(item.get("ratingDate") or item.get("currentBuyerRatingDate"))


def parse_rating(item, buyer_id="") -> Rating | None:
    """A buyer object (``buyers/{id}`` or ``my-buyers``) as a Rating; None
    without a rating."""
    if not isinstance(item, dict):
        raise ApiBadResponse("Atradius: the buyer answer is not an object")
    value = item.get("currentBuyerRating")
    if value in (None, ""):
        return None
    return Rating(
        buyer_id=str(item.get("buyerId") or buyer_id),
        scale="atradius",
        value=str(value),
        description=_text(item.get("currentBuyerRatingClass")),
        rated_on=_rating_date(item),
    )


def parse_decision(item) -> Decision:
    """One cover from the decisions list (or a cover answer) as a Decision."""
    if not isinstance(item, dict) or not item.get("coverId"):
        raise ApiBadResponse("Atradius: a cover without coverId")
    total = (
        item.get("totalDecision") if isinstance(item.get("totalDecision"), dict) else {}
    )
    code = str(item.get("decisionCode") or "")
    status = str(item.get("coverStatus") or "").upper()
    if status == "REFERRED" or item.get("pendingProcessStatus"):
        state = "referred"
    elif code in WITHDRAWN or item.get("withdrawalDate"):
        state = "withdrawn"
    elif code in REFUSED:
        state = "refused"
    else:
        state = "decided"
    return Decision(
        cover_id=str(item["coverId"]),
        buyer_id=str(item.get("buyerId") or ""),
        state=state,
        approved_amount=_amount(total.get("decisionAmtInPolicyCurrency"))
        if state == "decided"
        else (Decimal(0) if state in ("refused", "withdrawn") else None),
        currency=str(item.get("policyCurrencyCode") or ""),
        code=code,
        text=str(item.get("decisionTypeDescription") or ""),
        conditions=tuple(
            Condition(
                str(c.get("conditionCode") or ""),
                str(c.get("conditionDescription") or ""),
            )
            for c in total.get("decisionConditions") or ()
            if isinstance(c, dict)
        ),
        valid_from=_date(item.get("effectFromDate")),
        valid_until=_date(
            total.get("decisionExpiryDate") or item.get("effectiveToDate")
        ),
        decided_on=_date(item.get("decisionDate")),
    )


class AtradiusClient(http_client.HttpClient, InsurerAdapter):
    """The Atradius API for one policy of one customer (organisation).

    Offers buyer lookup, limit requests and decisions, buyer ratings and
    rating monitoring; overdue notices go through the file exchange (the
    Non-Payments API is not public).
    """

    service_name = "Atradius"
    uses_bearer_token = True
    capabilities = frozenset({"buyer", "limit", "rating", "monitoring"})
    #: the ``my-buyers`` filter on the rating date: the name is a guess
    #: [GUESS]; override it here once the handbook is at hand
    rating_updated_after_param = "ratingUpdatedAfter"

    def __init__(
        self,
        client_id,
        client_secret,
        app_key,
        customer_id,
        policy_id,
        environment="test",
        *,
        base_url=None,
        uid_types=None,
        **kwargs,
    ):
        if environment not in BASE_URLS:
            raise ValueError("The environment must be 'test' or 'production'.")
        if not (client_id and client_secret and app_key):
            raise ValueError(
                "Atradius needs a client id, a client secret and an app key."
            )
        super().__init__(
            base_url or BASE_URLS[environment],
            headers={"Atradius-App-Key": app_key},
            **kwargs,
        )
        self.client_id = client_id
        self.customer_id = customer_id
        self.policy_id = policy_id
        self.uid_types = {**DEFAULT_UID_TYPES, **(uid_types or {})}
        self._basic = base64.b64encode(
            ("%s:%s" % (client_id, client_secret)).encode()
        ).decode()
        for secret in (client_secret, app_key, self._basic):
            self.add_secret(secret)

    def _fetch_token(self):
        data = self.post(
            "authenticate/v2/tokens",
            headers={"Authorization": "Basic %s" % self._basic},
            authenticate=False,
        )
        body = data.get("data") if isinstance(data, dict) else None
        if not isinstance(body, dict):
            raise ApiBadResponse("Atradius: the token answer has no data")
        token = body.get("access_token") or body.get("accessToken")
        return token, body.get("expires_in") or body.get("expiresIn")

    def _error_details(self, response, payload):
        errors = payload.get("errors") if isinstance(payload, dict) else None
        if isinstance(errors, list) and errors:
            texts = []
            for error in errors:
                if not isinstance(error, dict):
                    continue
                detail = str(error.get("detail") or error.get("title") or "").strip()
                source = (
                    error.get("source") if isinstance(error.get("source"), dict) else {}
                )
                parameter = source.get("parameter")
                texts.append("%s (%s)" % (detail, parameter) if parameter else detail)
            return None, "; ".join(t for t in texts if t) or None
        return super()._error_details(response, payload)

    # ------------------------------------------------------------ buyers --

    def find_buyer(self, identifiers: Identifiers) -> Buyer | None:
        """The insurer's buyer for a customer: by KvK number, else by VAT
        number, in the customer's country. Every lookup may be charged: one
        call per identifier, stopping at the first hit."""
        candidates = [
            (match, number)
            for match, number in (
                ("kvk", "".join(str(identifiers.kvk or "").split())),
                ("vat", "".join(str(identifiers.vat or "").split()).upper()),
            )
            if number
        ]
        if not candidates:
            raise ValueError("Atradius: give a KvK or VAT number to look the buyer up.")
        country = iso3(identifiers.country)
        for match, number in candidates:
            row = self._lookup(country, number, self.uid_types[match])
            if row is not None:
                return Buyer(
                    id=str(row["buyerId"]),
                    name=str(row.get("buyerName") or row.get("name") or ""),
                    rating=_text(row.get("currentBuyerRating")),
                    rating_class=_text(row.get("currentBuyerRatingClass")),
                    match=match,
                )
        return None

    def _lookup(self, country, uid, uid_type):
        """One (charged) buyer lookup: the first buyer found, or None."""
        try:
            data = self.get(
                BUYERS,
                params={
                    "customerId": self.customer_id,
                    "policyId": self.policy_id,
                    "country": country,
                    "uid": uid,
                    "uidType": uid_type,
                },
            )
        except ApiNotFound:
            return None
        except ApiError as exc:
            if exc.status in (400, 422) and NO_MATCH_TEXT in str(exc).lower():
                return None
            raise
        row = _first(data.get("data") if isinstance(data, dict) else None)
        if row is None:
            return None
        if not row.get("buyerId"):
            raise ApiBadResponse("Atradius: the buyer answer has no buyerId")
        return row

    def rating(self, buyer_id) -> Rating | None:
        """The buyer's current Atradius rating; None without one (or when
        Atradius does not know the buyer)."""
        if not str(buyer_id or "").strip():
            raise ValueError("Atradius: a rating needs the buyer id.")
        try:
            data = self.get(
                "%s/%s" % (BUYERS, quote(str(buyer_id).strip(), safe="")),
                # like every Atradius call; whether required is not known
                params={"customerId": self.customer_id, "policyId": self.policy_id},
            )
        except ApiNotFound:
            return None
        item = _first(data.get("data") if isinstance(data, dict) else None)
        if item is None:
            return None
        return parse_rating(item, str(buyer_id).strip())

    # -------------------------------------------------------- monitoring --

    def monitor(self, buyer_id, reference="") -> None:
        """Nothing to do: Atradius monitors every buyer of the policy (every
        buyer with a cover or a lookup), and :meth:`events` polls them."""
        return None

    def events(self, since: date | None = None) -> list[MonitoringEvent]:
        """Rating changes of the policy's buyers (``my-buyers``), from
        ``since`` on: one event per buyer with a rating. The event id is
        ``buyerId:ratingDate`` (or ``buyerId:rating`` without a date), so the
        same rating polled twice is the same event. Buyers whose rating date
        lies before ``since`` are dropped here too, in case the (guessed)
        filter is ignored by the server."""
        params = {"policyId": self.policy_id, "customerId": self.customer_id}
        if since:
            params[self.rating_updated_after_param] = since.isoformat()
        data = self.get(BUYERS + "/my-buyers", params=params)
        rows = data.get("data") if isinstance(data, dict) else None
        if rows is None:
            raise ApiBadResponse("Atradius: the buyers answer has no data")
        if isinstance(rows, dict):
            rows = [rows]
        result = []
        for row in rows:
            if not isinstance(row, dict) or not row.get("buyerId"):
                _logger.warning("Atradius: a buyer without buyerId is skipped")
                continue
            rating = parse_rating(row)
            if rating is None:
                continue
            if since and rating.rated_on and rating.rated_on < since:
                continue
            stamp = row.get("ratingDate") or row.get("currentBuyerRatingDate")
            result.append(
                MonitoringEvent(
                    event_id="%s:%s" % (rating.buyer_id, stamp or rating.value),
                    buyer_id=rating.buyer_id,
                    kind="rating",
                    event_date=rating.rated_on,
                    new_value=rating.value,
                    text=rating.description,
                )
            )
        return result

    # ------------------------------------------------------------ covers --

    def request_limit(self, request: LimitRequest) -> Decision:
        """Send a limit request; the answer is decided (201) or referred (202)."""
        body = {
            "customerId": self.customer_id,
            "policyId": self.policy_id,
            "buyerId": request.buyer_id,
            "coverType": "credit-limit",
            "customerRefNumber": request.reference,
        }
        if request.effect_from:
            body["effectFromDate"] = request.effect_from.isoformat()
        if request.kind == "new":
            body.update(
                creditLimitAmount=float(request.amount), currencyCode=request.currency
            )
            response = self.request("POST", COVERS, json=body)
        else:
            body["action"] = {"increase": "supersede", "decrease": "reduce"}.get(
                request.kind, "cancel"
            )
            if request.kind != "cancel":
                body.update(
                    creditLimitAmount=float(request.amount),
                    currencyCode=request.currency,
                )
            response = self.request("PUT", COVERS, json=body)
        rows = response.data.get("data") if isinstance(response.data, dict) else None
        if not rows or not isinstance(rows[0], dict) or not rows[0].get("coverId"):
            raise ApiBadResponse("Atradius: the cover answer has no coverId")
        row = rows[0]
        answer = str(row.get("response") or "")
        if "refused" in answer.lower():
            state = "refused"
        elif response.status == 202:
            state = "referred"
        else:
            state = "decided"
        return Decision(
            cover_id=str(row["coverId"]),
            buyer_id=str(request.buyer_id),
            state=state,
            approved_amount=None if state != "refused" else Decimal(0),
            currency=request.currency,
            text=answer,
        )

    def decisions(self, since: date | None = None) -> list[Decision]:
        """The decisions of the policy (from ``since``), to update limits."""
        params = {"policyId": self.policy_id, "customerId": self.customer_id}
        if since:
            params["fromDate"] = since.isoformat()
        data = self.get(COVERS + "/decisions", params=params)
        rows = data.get("data") if isinstance(data, dict) else None
        if rows is None:
            raise ApiBadResponse("Atradius: the decisions answer has no data")
        return [parse_decision(row) for row in rows]
