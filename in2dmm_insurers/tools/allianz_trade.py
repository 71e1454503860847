"""Allianz Trade (ex Euler Hermes) credit-insurance API adapter.

What this follows (``../shared/research/insurers.md`` §1, §9, §10; legend:
[DOC] the provider's published pages, [CODE] public client code calling the
real API, [GUESS] not found anywhere, to confirm in the Swagger files of the
developer portal or in the sandbox):

* Token [DOC]: ``POST v1/idp/oauth2/authorize`` with the JSON body
  ``{"apiKey": key}``; answer ``{"access_token", "token_type", "expires_in"}``
  (one hour). A token cannot be refreshed: a new one is requested (the base
  class does so before expiry and once on a 401).
* Company matching [CODE]: ``POST search/v2/companies/matching`` (sandbox:
  ``search/uatm-v2/companies/matching``) with ``companyName, countryCode,
  streetName, streetNumber, town, postalCode, requestedSize, minimumScore,
  companyIdentifiers[{idTypeCode, idValue}], companyIdentifierTypeCode "EH"``;
  answer ``results[].company{companyId, legalData.companyName, address{...,
  postCodes[].postCodeValue}}``. The Dutch ``idTypeCode`` values of a KvK or
  VAT number are NOT public: a setting (``id_types``) with a guess as default
  [GUESS]; so is the place of a matching score (``results[].matchingScore``).
* Cover request v3 [CODE]: ``POST riskinfo/v3/covers`` with ``requestTypeCode
  "Primary"``, ``policy{businessUnitCode, policyId, extensionId}``,
  ``creditLimitDetails{requestedAmount, currencyCode}``, ``companyId``,
  ``isRequestUrgent``; the customer reference is at most 20 characters [DOC,
  EOLIS]. Amend with ``PATCH riskinfo/v3/covers/{coverId}`` and cancel with
  ``DELETE riskinfo/v3/covers/{coverId}`` [GUESS: the portal only says that
  POST, PATCH and DELETE return a ``jobId``].
* Asynchronous processing [DOC]: every write answers a ``jobId``; ``GET
  riskinfo/v3/jobs/{jobId}`` gives ``{jobStatusCode, resourceUrl}`` [CODE]
  (``pending`` until ``processed``), then the cover is read from
  ``resourceUrl``: ``coverId``, ``company.companyId``,
  ``creditLimitsAggregation.creditLimits[]{technicalDecisionStatusCode (seen:
  AlreadyAgreed), amount, startDate, currencyCode}`` [CODE]; ``endDate`` and
  ``decisionDate`` are [GUESS], as are all status codes but ``AlreadyAgreed``
  and the v2 ``coverStatusCode`` ``Agreement`` (v2 amount:
  ``decision.permanent.permanentAmount``). The error text of a failed job is
  [GUESS].
* Portfolio [CODE]: ``POST riskinfo/v3/covers/search`` with ``policies[]`` and
  ``pagination{page, pageSize, isTotalRequired}``; the name of the list and of
  the total in the answer are [GUESS] (several names are accepted).
* Payment Overdues [DOC: the API exists, with ``overdueCategoryTypeCode``
  OVD / EXP / RES]; its path (:data:`OVERDUES`) and every payload field are
  [GUESS].
* Errors [GUESS]: ``{"errors": [{"code", "message" or "detail"}]}``; other
  shapes go to the generic reading of the base class.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from .insurer import (
    Buyer,
    Decision,
    Identifiers,
    InsurerAdapter,
    LimitRequest,
    NoticeReceipt,
    OverdueNotice,
)
from .shared_http import http_client

ApiError = http_client.ApiError
ApiBadResponse = http_client.ApiBadResponse
ApiNotFound = http_client.ApiNotFound

SERVICE = "Allianz Trade"
BASE_URLS = {
    "test": "https://api-services.uat.1placedessaisons.com/uatm",
    "production": "https://api.allianz-trade.com",
}
TOKEN_PATH = "v1/idp/oauth2/authorize"  # [DOC]
#: company matching; the sandbox has its own path [CODE]
MATCHING_PATHS = {
    "test": "search/uatm-v2/companies/matching",
    "production": "search/v2/companies/matching",
}
COVERS = "riskinfo/v3/covers"  # [CODE]; PATCH/DELETE on COVERS/{id}: [GUESS]
COVERS_SEARCH = COVERS + "/search"  # [CODE]
JOBS = "riskinfo/v3/jobs"  # [CODE]
#: Payment Overdues: the API is [DOC], this path is a [GUESS]
OVERDUES = "payment-overdues/v1/overdues"
#: the Dutch identifier type codes are not public: a setting with a guess [GUESS]
DEFAULT_ID_TYPES = {"kvk": "NL_KVK", "vat": "VAT"}
REQUESTED_SIZE = 5
PAGE_SIZE = 100
MAX_PAGES = 1000  # a guard against an answer that never ends
REFERENCE_LENGTH = 20  # EOLIS customer reference [DOC]

#: job status codes, lower case without separators ("pending", "processed" [DOC])
JOB_PENDING = {"pending", "inprogress", "queued", "running", "processing"}
JOB_DONE = {"processed", "completed", "done", "succeeded", "success"}
JOB_FAILED = {"failed", "failure", "error", "rejected", "cancelled", "canceled"}

#: decision status keywords, tried in this order (only ``AlreadyAgreed`` and
#: ``Agreement`` were seen [CODE]; the rest is [GUESS]); "notagreed" must be
#: read as a refusal before "agreed" as an agreement
_STATUS_KEYWORDS = (
    ("withdrawn", ("withdraw", "cancel", "terminat")),
    ("refused", ("refus", "reject", "declin", "notagreed", "disagree")),
    ("referred", ("pending", "referr", "underreview", "inprogress", "investigat")),
    ("decided", ("agreed", "agreement", "approv", "partial", "accept", "grant")),
)


# ------------------------------------------------------------------ values --


def _date(value, what="date"):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ApiBadResponse(
            "%s: invalid %s %r in the answer." % (SERVICE, what, value)
        ) from None


def _amount(value, what="amount"):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ApiBadResponse(
            "%s: invalid %s %r in the answer." % (SERVICE, what, value)
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ApiBadResponse(
            "%s: invalid %s %r in the answer." % (SERVICE, what, value)
        )
    return amount


def _number(amount):
    """A Decimal as a JSON number: an int when whole, else a float."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


def _dict(value):
    return value if isinstance(value, dict) else {}


def _text(value):
    return "" if value is None else str(value).strip()


def _key(code):
    """A status code compared without case and separators."""
    return re.sub(r"[^a-z]", "", str(code or "").lower())


def _state(code):
    key = _key(code)
    if not key:
        return None
    for state, keywords in _STATUS_KEYWORDS:
        if any(keyword in key for keyword in keywords):
            return state
    return None


def parse_cover(data, buyer_id="") -> Decision:
    """One cover (v3 ``creditLimitsAggregation`` or v2 ``decision.permanent``
    shape) as a Decision; ``buyer_id`` is used when the cover names no company.

    An unknown or missing status gives ``referred`` without an amount (a cover
    is never taken as agreed on a guess), with the code kept in ``code``.
    """
    if not isinstance(data, dict) or not _text(data.get("coverId")):
        raise ApiBadResponse("%s: a cover without coverId." % SERVICE)
    company = _dict(data.get("company"))
    buyer = _text(company.get("companyId") or data.get("companyId")) or _text(buyer_id)
    aggregation = _dict(data.get("creditLimitsAggregation"))
    limits = aggregation.get("creditLimits")
    if isinstance(limits, list) and limits:
        # the first limit is taken: what several limits mean is [GUESS]
        limit = _dict(limits[0])
        code = _text(limit.get("technicalDecisionStatusCode"))
        amount = _amount(limit.get("amount"))
        currency = _text(
            limit.get("currencyCode")
            or aggregation.get("currencyCode")
            or data.get("currencyCode")
        )
        valid_from = _date(limit.get("startDate"), "start date")
        valid_until = _date(limit.get("endDate"), "end date")
        decided_on = _date(
            limit.get("decisionDate") or data.get("decisionDate"), "decision date"
        )
    else:  # v2: coverStatusCode + decision.permanent
        permanent = _dict(_dict(data.get("decision")).get("permanent"))
        code = _text(data.get("coverStatusCode"))
        amount = _amount(permanent.get("permanentAmount"))
        currency = _text(permanent.get("currencyCode") or data.get("currencyCode"))
        valid_from = _date(
            permanent.get("startDate") or data.get("startDate"), "start date"
        )
        valid_until = _date(permanent.get("endDate") or data.get("endDate"), "end date")
        decided_on = _date(data.get("decisionDate"), "decision date")
    state = _state(code)
    text = ""
    if state is None:
        state = "referred"
        text = "Unknown %s status %r." % (SERVICE, code) if code else ""
        text = text or "%s gave no status for this cover." % SERVICE
    if state == "decided":
        if amount is None:
            raise ApiBadResponse(
                "%s: cover %s is agreed without an amount." % (SERVICE, data["coverId"])
            )
        approved = amount
    elif state in ("refused", "withdrawn"):
        approved = Decimal(0)
    else:
        approved = None
    return Decision(
        cover_id=_text(data["coverId"]),
        buyer_id=buyer,
        state=state,
        approved_amount=approved,
        currency=currency,
        code=code,
        text=text,
        valid_from=valid_from,
        valid_until=valid_until,
        decided_on=decided_on,
    )


def _job_error(job):
    """The error text of a failed job, where it gives one [GUESS]."""
    texts = []
    errors = job.get("errors")
    if isinstance(errors, list):
        for error in errors:
            if isinstance(error, dict):
                texts.append(_text(error.get("message") or error.get("detail")))
            elif isinstance(error, str):
                texts.append(error.strip())
    error = job.get("error")
    if isinstance(error, dict):
        texts.append(_text(error.get("message") or error.get("detail")))
    elif isinstance(error, str):
        texts.append(error.strip())
    for key in ("errorMessage", "message", "statusMessage"):
        if isinstance(job.get(key), str):
            texts.append(job[key].strip())
    return "; ".join(t for t in texts if t)


# ------------------------------------------------------------------ client --


class AllianzTradeClient(http_client.HttpClient, InsurerAdapter):
    """The Allianz Trade API for one policy (business unit, policy, extension)."""

    service_name = SERVICE
    uses_bearer_token = True
    capabilities = frozenset({"buyer", "limit", "overdue"})
    BASE_URLS = BASE_URLS

    def __init__(
        self,
        api_key,
        policy_id,
        business_unit="",
        environment="test",
        *,
        extension_id="",
        base_url=None,
        id_types=None,
        minimum_score=80,
        **kwargs,
    ):
        if environment not in BASE_URLS:
            raise ValueError("The environment must be 'test' or 'production'.")
        if not api_key:
            raise ValueError("Allianz Trade needs an API key.")
        if not policy_id:
            raise ValueError("Allianz Trade needs a policy number.")
        super().__init__(base_url or BASE_URLS[environment], **kwargs)
        self.environment = environment
        self.policy_id = str(policy_id)
        self.business_unit = str(business_unit or "")
        self.extension_id = str(extension_id or "")
        self.id_types = {**DEFAULT_ID_TYPES, **(id_types or {})}
        self.minimum_score = minimum_score
        self._key = str(api_key)
        self.add_secret(self._key)

    # ----------------------------------------------------------------- auth --

    def _fetch_token(self):
        data = self.post(
            TOKEN_PATH,
            json={"apiKey": self._key},
            authenticate=False,
            idempotent=True,  # asking for a token twice does no harm
        )
        if not isinstance(data, dict) or not data.get("access_token"):
            raise ApiBadResponse("%s: the token answer has no access_token." % SERVICE)
        expires_in = data.get("expires_in")
        try:
            expires_in = float(expires_in) if expires_in not in (None, "") else None
        except (TypeError, ValueError):
            expires_in = None
        return str(data["access_token"]), expires_in

    def _error_details(self, response, payload):
        errors = payload.get("errors") if isinstance(payload, dict) else None
        if isinstance(errors, list) and errors:
            code = None
            texts = []
            for error in errors:
                if not isinstance(error, dict):
                    continue
                if code is None and _text(error.get("code")):
                    code = _text(error.get("code"))
                texts.append(_text(error.get("message") or error.get("detail")))
            message = "; ".join(t for t in texts if t)
            if message:
                return code, message
        return super()._error_details(response, payload)

    # -------------------------------------------------------------- helpers --

    def _policy(self):
        policy = {"businessUnitCode": self.business_unit, "policyId": self.policy_id}
        if self.extension_id:
            policy["extensionId"] = self.extension_id
        return policy

    def _job(self, response, what):
        data = _dict(response.data)
        job_id = _text(data.get("jobId"))
        if not job_id:
            raise ApiBadResponse(
                "%s: the answer to the %s has no jobId." % (SERVICE, what),
                status=response.status,
                service=SERVICE,
            )
        return job_id, data

    def _resource(self, url):
        """The path to read a job's resource: an absolute URL only on the
        API's own host (the bearer token goes with it), a path below the base
        URL (its leading prefix, e.g. ``/uatm``, not repeated)."""
        url = _text(url)
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                raise ApiBadResponse(
                    "%s: the job points to another host (%s); not followed."
                    % (SERVICE, parts.netloc or url)
                )
            return url
        prefix = base.path.rstrip("/")
        if prefix and (url == prefix or url.startswith(prefix + "/")):
            url = url[len(prefix) :]
        return url.lstrip("/")

    # ------------------------------------------------------------- buyers --

    def find_buyer(self, identifiers: Identifiers) -> Buyer | None:
        """The insurer's company for a customer (a charged lookup); ``None``
        when nothing matches. The KvK and VAT numbers are sent as company
        identifiers, the name and address for the matching."""
        kvk = re.sub(r"\s", "", identifiers.kvk or "")
        vat = re.sub(r"[\s.]", "", identifiers.vat or "").upper()
        if not (kvk or vat or _text(identifiers.name)):
            raise ValueError("Give a KvK number, a VAT number or a name to search.")
        body = {
            "companyName": _text(identifiers.name),
            "countryCode": _text(identifiers.country).upper(),
            "streetName": _text(identifiers.street),
            "streetNumber": _text(identifiers.house_number),
            "town": _text(identifiers.city),
            "postalCode": _text(identifiers.postcode),
        }
        body = {key: value for key, value in body.items() if value}
        body.update(requestedSize=REQUESTED_SIZE, minimumScore=self.minimum_score)
        ids = []
        if kvk:
            ids.append({"idTypeCode": self.id_types["kvk"], "idValue": kvk})
        if vat:
            ids.append({"idTypeCode": self.id_types["vat"], "idValue": vat})
        if ids:
            body["companyIdentifiers"] = ids
        body["companyIdentifierTypeCode"] = "EH"
        try:
            data = self.post(
                MATCHING_PATHS[self.environment], json=body, idempotent=True
            )
        except ApiNotFound:
            return None
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ApiBadResponse("%s: the matching answer is not an object." % SERVICE)
        results = data.get("results")
        if not results:
            return None
        if not isinstance(results, list):
            raise ApiBadResponse("%s: the matching results are not a list." % SERVICE)
        companies = []
        for position, result in enumerate(results):
            result = _dict(result)
            company = _dict(result.get("company"))
            if _text(company.get("companyId")):
                score = result.get("matchingScore", result.get("score"))  # [GUESS]
                companies.append((_amount(score, "matching score"), position, company))
        if not companies:
            raise ApiBadResponse("%s: matching results without companyId." % SERVICE)
        minimum = Decimal(str(self.minimum_score))
        candidates = [c for c in companies if c[0] is None or c[0] >= minimum]
        if not candidates:
            return None
        # the best score, else the first result (the insurer's order)
        _score, _position, company = min(
            candidates,
            key=lambda c: (-(c[0] if c[0] is not None else Decimal(-1)), c[1]),
        )
        address = _dict(company.get("address"))
        street = " ".join(
            t
            for t in (
                _text(address.get("streetName")),
                _text(address.get("streetNumber")),
            )
            if t
        )
        postcodes = address.get("postCodes")
        postcode = ""
        if isinstance(postcodes, list) and postcodes:
            postcode = _text(_dict(postcodes[0]).get("postCodeValue"))
        place = " ".join(t for t in (postcode, _text(address.get("town"))) if t)
        return Buyer(
            id=_text(company["companyId"]),
            name=_text(_dict(company.get("legalData")).get("companyName")),
            match="kvk" if kvk else ("vat" if vat else "name_address"),
            address=", ".join(t for t in (street, place) if t),
        )

    # ------------------------------------------------------------- covers --

    def request_limit(self, request: LimitRequest) -> Decision:
        """Send a new, amended or cancelled limit; Allianz Trade answers a job
        (``pending``): :meth:`poll` it for the decision.

        None of these writes is repeated after an answer that may mean it was
        processed (a 502, 504 or a read timeout): a second job would follow."""
        details = {
            "requestedAmount": _number(request.amount),
            "currencyCode": request.currency,
        }
        reference = _text(request.reference)[:REFERENCE_LENGTH]
        if request.kind == "new":
            body = {
                "requestTypeCode": "Primary",
                "policy": self._policy(),
                "creditLimitDetails": details,
                "companyId": request.buyer_id,
                "isRequestUrgent": False,
            }
            if reference:
                body["customerReference"] = reference
            response = self.request("POST", COVERS, json=body)
            what = "limit request"
        else:
            if not _text(request.cover_id):
                raise ValueError(
                    "An Allianz Trade %s needs the cover id of the limit."
                    % request.kind
                )
            path = "%s/%s" % (COVERS, _text(request.cover_id))
            if request.kind == "cancel":
                response = self.request("DELETE", path, idempotent=False)
                what = "cancellation"
            else:
                body = {"creditLimitDetails": details}
                if reference:
                    body["customerReference"] = reference
                response = self.request("PATCH", path, json=body)
                what = "limit change"
        job_id, data = self._job(response, what)
        return Decision(
            cover_id=_text(request.cover_id) or _text(data.get("coverId")),
            buyer_id=_text(request.buyer_id),
            state="pending",
            currency=request.currency,
            job_id=job_id,
        )

    def poll(self, decision: Decision) -> Decision:
        """The decision of a job: unchanged while the job runs, the cover
        once it is processed. Without a job, the cover is read by its id."""
        if not decision.job_id:
            if not decision.cover_id:
                raise ValueError("Nothing to poll: the decision has no job nor cover.")
            return self._cover("%s/%s" % (COVERS, decision.cover_id), decision)
        job = self.get("%s/%s" % (JOBS, decision.job_id))
        if not isinstance(job, dict):
            raise ApiBadResponse("%s: the job answer is not an object." % SERVICE)
        status = _key(job.get("jobStatusCode"))
        if status in JOB_PENDING:
            return decision
        if status in JOB_FAILED:
            error = self.redact(_job_error(job))
            raise ApiBadResponse(
                "%s: job %s failed%s"
                % (SERVICE, decision.job_id, ": %s" % error if error else "."),
                code=_text(job.get("jobStatusCode")) or None,
                service=SERVICE,
            )
        if status not in JOB_DONE:
            raise ApiBadResponse(
                "%s: unknown job status %r." % (SERVICE, job.get("jobStatusCode"))
            )
        resource = _text(job.get("resourceUrl"))
        if resource:
            return self._cover(self._resource(resource), decision)
        if decision.cover_id:
            return self._cover("%s/%s" % (COVERS, decision.cover_id), decision)
        raise ApiBadResponse(
            "%s: job %s is processed but names no resource."
            % (SERVICE, decision.job_id)
        )

    def _cover(self, path, decision):
        result = parse_cover(self.get(path), decision.buyer_id)
        if not result.currency and decision.currency:
            result = dataclasses.replace(result, currency=decision.currency)
        return result

    def decisions(self, since: date | None = None) -> list[Decision]:
        """Every cover of the policy (all pages); with ``since``, those decided
        (or, without a decision date, starting) on or after it. A cover
        without any date is kept."""
        result = []
        seen = 0
        for page in range(1, MAX_PAGES + 1):
            data = self.post(
                COVERS_SEARCH,
                json={
                    "policies": [self._policy()],
                    "pagination": {
                        "page": page,
                        "pageSize": PAGE_SIZE,
                        "isTotalRequired": True,
                    },
                },
                idempotent=True,  # a search
            )
            items, total = self._page(data)
            seen += len(items)
            result.extend(parse_cover(item) for item in items)
            if len(items) < PAGE_SIZE or (total is not None and seen >= total):
                break
        else:
            raise ApiBadResponse("%s: the cover list does not end." % SERVICE)
        if since:
            result = [
                d for d in result if (d.decided_on or d.valid_from or since) >= since
            ]
        return result

    def _page(self, data):
        """The items and the total of one page of a search [GUESS: names]."""
        if data is None:
            return [], None
        if isinstance(data, list):
            return data, None
        if not isinstance(data, dict):
            raise ApiBadResponse("%s: the cover list is not an object." % SERVICE)
        items = None
        for key in ("covers", "results", "items", "data", "content"):
            if isinstance(data.get(key), list):
                items = data[key]
                break
        if items is None:
            if any(key in data for key in ("covers", "results", "items", "data")):
                raise ApiBadResponse("%s: the cover list is not a list." % SERVICE)
            items = []
        pagination = _dict(data.get("pagination"))
        total = None
        for source in (pagination, data):
            for key in ("totalCount", "total", "totalItems", "totalElements"):
                if source.get(key) not in (None, ""):
                    total = _amount(source[key], "total")
                    break
            if total is not None:
                break
        return items, total

    # ------------------------------------------------------------ overdues --

    def report_overdue(self, notice: OverdueNotice) -> NoticeReceipt:
        """Report overdue invoices of a buyer (Payment Overdues API [DOC];
        path :data:`OVERDUES` and payload fields [GUESS]). A ``jobId`` answer
        gives a ``pending`` receipt, an ``overdueId`` a ``reported`` one."""
        currencies = {line.currency for line in notice.lines}
        if len(currencies) != 1:
            raise ValueError("An overdue notice must be in one currency.")
        currency = currencies.pop()
        invoices = []
        for line in notice.lines:
            invoice = {
                "invoiceNumber": line.invoice_number,
                "dueDate": line.due_date.isoformat(),
                "invoiceAmount": _number(line.amount),
                "overdueAmount": _number(line.open_amount),
                "currencyCode": line.currency,
            }
            if line.invoice_date:
                invoice["invoiceDate"] = line.invoice_date.isoformat()
            invoices.append(invoice)
        body = {
            "policy": self._policy(),
            "companyId": notice.buyer_id,
            "overdueCategoryTypeCode": notice.category,
            "currencyCode": currency,
            "totalOverdueAmount": _number(notice.total_open),
            "invoices": invoices,
        }
        reference = _text(notice.reference)[:REFERENCE_LENGTH]
        if reference:
            body["customerReference"] = reference
        response = self.request("POST", OVERDUES, json=body)
        data = _dict(response.data)
        text = _text(data.get("message"))
        if _text(data.get("jobId")):
            return NoticeReceipt(_text(data["jobId"]), state="pending", text=text)
        overdue_id = _text(data.get("overdueId") or data.get("id"))
        if overdue_id:
            return NoticeReceipt(overdue_id, state="reported", text=text)
        raise ApiBadResponse(
            "%s: the overdue answer has no jobId nor overdueId." % SERVICE,
            status=response.status,
            service=SERVICE,
        )
