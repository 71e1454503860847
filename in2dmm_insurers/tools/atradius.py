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
  setting (``uid_types``) here, with a guess as default.
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
from datetime import date
from decimal import Decimal, InvalidOperation

from .insurer import Buyer, Condition, Decision, LimitRequest

# the shared HTTP base, as in in2dmm_kvk.tools.kvk_client (same module object
# inside Odoo, no Odoo import in the pytest tier)
if __name__.startswith("odoo.addons."):
    from odoo.addons.in2dmm_credit.tools import http_client
else:
    try:
        from in2dmm_credit.tools import http_client
    except ImportError:
        from odoo.addons.in2dmm_credit.tools import http_client

ApiError = http_client.ApiError
ApiBadResponse = http_client.ApiBadResponse

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


class AtradiusClient(http_client.HttpClient):
    """The Atradius API for one policy of one customer (organisation)."""

    service_name = "Atradius"
    uses_bearer_token = True

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

    def find_buyer(self, *, kvk=None, vat=None, country="NLD") -> Buyer | None:
        """The insurer's buyer for a KvK or VAT number (a charged lookup)."""
        uid, uid_type = (
            (kvk, self.uid_types["kvk"]) if kvk else (vat, self.uid_types["vat"])
        )
        if not uid:
            raise ValueError("Give a KvK or VAT number to look the buyer up.")
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
        except http_client.ApiNotFound:
            return None
        rows = data.get("data") if isinstance(data, dict) else None
        if not rows:
            return None
        row = rows[0]
        return Buyer(
            id=str(row.get("buyerId") or ""),
            name=str(row.get("buyerName") or row.get("name") or ""),
            rating=str(row.get("currentBuyerRating") or ""),
            rating_class=str(row.get("currentBuyerRatingClass") or ""),
        )

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
