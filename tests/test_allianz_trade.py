"""The Allianz Trade adapter against a local fake server.

The payloads follow ``../shared/research/insurers.md`` §1 ([DOC]/[CODE]); the
parts marked [GUESS] in the module are tested as the module guesses them.
"""

import json
import logging
import time
from datetime import date
from decimal import Decimal

import pytest
from fakes import FakeServer, Reply

from in2dmm_credit.tools.http_client import (
    ApiAuthError,
    ApiError,
    ApiNotFound,
    ApiTimeout,
    ApiUnavailable,
)
from in2dmm_insurers.tools.allianz_trade import (
    AllianzTradeClient,
    ApiBadResponse,
    parse_cover,
)
from in2dmm_insurers.tools.insurer import (
    Decision,
    Identifiers,
    LimitRequest,
    NotSupported,
    OverdueLine,
    OverdueNotice,
)

API_KEY = "ak-SECRET-7788"
TOKEN_VALUE = "tok-AAA-1111"
TOKEN = {"access_token": TOKEN_VALUE, "token_type": "Bearer", "expires_in": 3600}
TOKEN_PATH = "/v1/idp/oauth2/authorize"
MATCHING_TEST = "/search/uatm-v2/companies/matching"
COVERS = "/riskinfo/v3/covers"
SEARCH = COVERS + "/search"
JOBS = "/riskinfo/v3/jobs"
OVERDUES = "/payment-overdues/v1/overdues"


@pytest.fixture
def server():
    with FakeServer() as fake:
        yield fake


def client(server, **kw):
    options = {
        "business_unit": "BU-NL",
        "base_url": server.url,
        "sleep": lambda s: None,
        "timeout": (2.0, 3.0),
    }
    options.update(kw)
    return AllianzTradeClient(API_KEY, "POL-42", **options)


def calls(server, path):
    return [r for r in server.requests if r.path == path]


def v3_cover(cover_id="C-77", status="AlreadyAgreed", amount=40000, **limit):
    return {
        "coverId": cover_id,
        "company": {"companyId": "123456789"},
        "creditLimitsAggregation": {
            "creditLimits": [
                {
                    "technicalDecisionStatusCode": status,
                    "amount": amount,
                    "currencyCode": "EUR",
                    "startDate": "2026-03-01",
                    **limit,
                }
            ]
        },
    }


PENDING = Decision("", "123456789", "pending", currency="EUR", job_id="job-1")


# ------------------------------------------------------------------ token --


def test_token_body_bearer_header_and_reuse(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(200, {"results": []}), Reply(200, {}), path=MATCHING_TEST)
    allianz = client(server)
    assert allianz.find_buyer(Identifiers(kvk="12345678")) is None
    assert allianz.find_buyer(Identifiers(vat="NL800000000B01")) is None
    assert [r.path for r in server.requests] == [
        TOKEN_PATH,
        MATCHING_TEST,
        MATCHING_TEST,
    ]
    token_call = server.requests[0]
    assert token_call.method == "POST"
    assert json.loads(token_call.body) == {"apiKey": API_KEY}
    assert token_call.header("Authorization") is None
    for call in server.requests[1:]:
        assert call.header("Authorization") == "Bearer " + TOKEN_VALUE


def test_401_on_a_call_fetches_one_new_token(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(401, {"errors": [{"message": "expired"}]}), path=JOBS + "/job-1")
    server.push(
        Reply(200, {"access_token": "tok-BBB-2222", "expires_in": 3600}),
        path=TOKEN_PATH,
    )
    server.push(Reply(200, {"jobStatusCode": "Pending"}), path=JOBS + "/job-1")
    assert client(server).poll(PENDING) is PENDING
    assert len(calls(server, TOKEN_PATH)) == 2
    first, second = calls(server, JOBS + "/job-1")
    assert first.header("Authorization") == "Bearer " + TOKEN_VALUE
    assert second.header("Authorization") == "Bearer tok-BBB-2222"


def test_a_second_401_is_an_auth_error(server):
    server.push(Reply(200, TOKEN), Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(401), Reply(401), path=JOBS + "/job-1")
    with pytest.raises(ApiAuthError):
        client(server).poll(PENDING)
    assert len(calls(server, TOKEN_PATH)) == 2
    assert len(calls(server, JOBS + "/job-1")) == 2


def test_token_endpoint_401_is_an_auth_error_without_the_key(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.push(
        Reply(
            401,
            {"errors": [{"code": "AUTH-01", "message": "unknown key %s" % API_KEY}]},
        ),
        path=TOKEN_PATH,
    )
    allianz = client(server)
    with pytest.raises(ApiAuthError) as info:
        allianz.poll(PENDING)
    assert [r.path for r in server.requests] == [TOKEN_PATH]  # no call without token
    text = str(info.value)
    assert "unknown key ***" in text
    assert API_KEY not in text and API_KEY not in repr(allianz)
    assert API_KEY not in caplog.text


def test_the_token_answer_must_carry_a_token(server):
    server.push(Reply(200, {"token_type": "Bearer"}), path=TOKEN_PATH)
    with pytest.raises(ApiAuthError):
        client(server).poll(PENDING)


# ----------------------------------------------------------------- buyers --


def test_find_buyer_sends_identifiers_on_the_sandbox_path(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(
            200,
            {
                "results": [
                    {
                        "matchingScore": 70,  # under the minimum: ignored
                        "company": {"companyId": "111", "legalData": {}},
                    },
                    {
                        "company": {
                            "companyId": 222333444,
                            "legalData": {"companyName": "ACME B.V."},
                            "address": {
                                "streetName": "Dorpsstraat",
                                "streetNumber": "12",
                                "town": "Utrecht",
                                "countryCode": "NL",
                                "postCodes": [{"postCodeValue": "1234 AB"}],
                            },
                        }
                    },
                    {"company": {"companyId": "555"}},
                ]
            },
        ),
        path=MATCHING_TEST,
    )
    buyer = client(server, id_types={"kvk": "KVK-NL"}).find_buyer(
        Identifiers(
            kvk="1234 5678",
            vat="nl 8000.00.000.b01",
            name="Acme BV",
            street="Dorpsstraat",
            house_number="12",
            postcode="1234 AB",
            city="Utrecht",
        )
    )
    assert buyer.id == "222333444"
    assert buyer.name == "ACME B.V."
    assert buyer.match == "kvk"
    assert buyer.address == "Dorpsstraat 12, 1234 AB Utrecht"
    (call,) = calls(server, MATCHING_TEST)
    assert call.method == "POST"
    assert json.loads(call.body) == {
        "companyName": "Acme BV",
        "countryCode": "NL",
        "streetName": "Dorpsstraat",
        "streetNumber": "12",
        "town": "Utrecht",
        "postalCode": "1234 AB",
        "requestedSize": 5,
        "minimumScore": 80,
        "companyIdentifiers": [
            {"idTypeCode": "KVK-NL", "idValue": "12345678"},
            {"idTypeCode": "VAT", "idValue": "NL800000000B01"},
        ],
        "companyIdentifierTypeCode": "EH",
    }


def test_find_buyer_takes_the_best_score(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(
            200,
            {
                "results": [
                    {"matchingScore": 85, "company": {"companyId": "1"}},
                    {"matchingScore": "97.5", "company": {"companyId": "2"}},
                ]
            },
        ),
        path=MATCHING_TEST,
    )
    buyer = client(server).find_buyer(Identifiers(vat="NL800000000B01"))
    assert buyer.id == "2" and buyer.match == "vat"


def test_find_buyer_by_name_in_production_and_not_found(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    path = "/search/v2/companies/matching"
    server.push(
        Reply(200, {"results": [{"company": {"companyId": "9"}}]}),
        Reply(404, {"errors": [{"message": "no company"}]}),
        path=path,
    )
    allianz = client(server, environment="production")
    buyer = allianz.find_buyer(Identifiers(name="Acme BV", city="Utrecht"))
    assert (buyer.id, buyer.match, buyer.address) == ("9", "name_address", "")
    body = json.loads(calls(server, path)[0].body)
    assert "companyIdentifiers" not in body
    assert body["companyName"] == "Acme BV" and body["town"] == "Utrecht"
    assert allianz.find_buyer(Identifiers(name="Nobody BV")) is None
    assert len(calls(server, path)) == 2


def test_find_buyer_needs_something_to_search(server):
    with pytest.raises(ValueError):
        client(server).find_buyer(Identifiers(city="Utrecht"))
    assert server.requests == []


def test_matching_results_without_company_id_are_bad(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(200, {"results": [{"company": {"legalData": {}}}]}), path=MATCHING_TEST
    )
    with pytest.raises(ApiBadResponse):
        client(server).find_buyer(Identifiers(kvk="12345678"))


# ----------------------------------------------------------------- limits --


def test_new_limit_request_is_a_pending_job(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(202, {"jobId": "job-1"}), path=COVERS)
    decision = client(server, extension_id="DCL").request_limit(
        LimitRequest(
            "123456789",
            Decimal("50000"),
            "EUR",
            reference="SO2026-000042-ACME-BV-EXTRA",
        )
    )
    assert decision.state == "pending"
    assert decision.job_id == "job-1"
    assert decision.cover_id == "" and decision.buyer_id == "123456789"
    assert decision.currency == "EUR" and decision.approved_amount is None
    (call,) = calls(server, COVERS)
    assert call.method == "POST"
    assert call.header("Authorization") == "Bearer " + TOKEN_VALUE
    assert json.loads(call.body) == {
        "requestTypeCode": "Primary",
        "policy": {
            "businessUnitCode": "BU-NL",
            "policyId": "POL-42",
            "extensionId": "DCL",
        },
        "creditLimitDetails": {"requestedAmount": 50000, "currencyCode": "EUR"},
        "companyId": "123456789",
        "isRequestUrgent": False,
        "customerReference": "SO2026-000042-ACME-B",
    }


def test_increase_needs_a_cover_and_patches_it(server):
    allianz = client(server)
    with pytest.raises(ValueError):
        allianz.request_limit(LimitRequest("7", Decimal(60000), "EUR", kind="increase"))
    with pytest.raises(ValueError):
        allianz.request_limit(LimitRequest("7", Decimal(0), "EUR", kind="cancel"))
    assert server.requests == []
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(202, {"jobId": "job-2"}), path=COVERS + "/C-9")
    server.push(Reply(202, {"jobId": "job-3"}), path=COVERS + "/C-9")
    increase = allianz.request_limit(
        LimitRequest("7", Decimal("60000.50"), "EUR", kind="increase", cover_id="C-9")
    )
    assert (increase.state, increase.cover_id, increase.job_id) == (
        "pending",
        "C-9",
        "job-2",
    )
    cancel = allianz.request_limit(
        LimitRequest("7", Decimal(0), "EUR", kind="cancel", cover_id="C-9")
    )
    assert cancel.job_id == "job-3"
    patch, delete = calls(server, COVERS + "/C-9")
    assert patch.method == "PATCH"
    assert json.loads(patch.body) == {
        "creditLimitDetails": {"requestedAmount": 60000.5, "currencyCode": "EUR"}
    }
    assert delete.method == "DELETE" and delete.body == b""


def test_a_limit_answer_without_job_is_bad(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(201, {"status": "ok"}), path=COVERS)
    with pytest.raises(ApiBadResponse):
        client(server).request_limit(LimitRequest("7", Decimal(1000), "EUR"))


# ------------------------------------------------------------------- jobs --


def test_poll_pending_then_processed_follows_the_resource(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(200, {"jobStatusCode": "Pending"}),
        Reply(200, {"jobStatusCode": "InProgress"}),
        Reply(
            200,
            {
                "jobStatusCode": "Processed",
                "resourceUrl": server.url + COVERS + "/C-77",
            },
        ),
        path=JOBS + "/job-1",
    )
    server.push(Reply(200, v3_cover(endDate="2027-02-28")), path=COVERS + "/C-77")
    allianz = client(server)
    assert allianz.poll(PENDING) is PENDING
    assert allianz.poll(PENDING) is PENDING
    decision = allianz.poll(PENDING)
    assert decision.state == "decided"
    assert decision.approved_amount == Decimal(40000)
    assert decision.cover_id == "C-77" and decision.buyer_id == "123456789"
    assert decision.code == "AlreadyAgreed" and decision.job_id == ""
    assert decision.valid_from == date(2026, 3, 1)
    assert decision.valid_until == date(2027, 2, 28)
    assert calls(server, COVERS + "/C-77")[0].header("Authorization") == (
        "Bearer " + TOKEN_VALUE
    )


def test_poll_a_refused_cover_by_path(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(200, {"jobStatusCode": "processed", "resourceUrl": COVERS + "/C-78"}),
        path=JOBS + "/job-1",
    )
    server.push(
        Reply(200, v3_cover("C-78", status="Refused", amount=None)),
        path=COVERS + "/C-78",
    )
    decision = client(server).poll(PENDING)
    assert decision.state == "refused"
    assert decision.approved_amount == 0 and decision.cover_id == "C-78"


def test_a_failed_job_raises_its_error(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(
            200,
            {
                "jobStatusCode": "Failed",
                "errors": [{"message": "Company 123456789 is not on the policy"}],
            },
        ),
        path=JOBS + "/job-1",
    )
    with pytest.raises(ApiBadResponse) as info:
        client(server).poll(PENDING)
    assert "not on the policy" in str(info.value)
    assert "job-1" in str(info.value)


def test_an_unknown_job_is_not_found(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(404, {"errors": [{"message": "no job"}]}), path=JOBS + "/job-1")
    with pytest.raises(ApiNotFound):
        client(server).poll(PENDING)


def test_a_resource_on_another_host_is_not_followed(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(
            200,
            {"jobStatusCode": "processed", "resourceUrl": "http://127.0.0.2:9/c/1"},
        ),
        path=JOBS + "/job-1",
    )
    with pytest.raises(ApiBadResponse):
        client(server).poll(PENDING)
    assert [r.path for r in server.requests] == [TOKEN_PATH, JOBS + "/job-1"]


# ---------------------------------------------------------- cover parsing --


def test_parse_cover_states():
    partially = parse_cover(v3_cover(status="PartiallyAgreed", amount="25000.00"))
    assert partially.state == "decided" and partially.approved_amount == Decimal(25000)
    assert partially.currency == "EUR"
    not_agreed = parse_cover(v3_cover(status="NotAgreed", amount=0))
    assert not_agreed.state == "refused" and not_agreed.approved_amount == 0
    withdrawn = parse_cover(v3_cover(status="Withdrawn", amount=10000))
    assert withdrawn.state == "withdrawn" and withdrawn.approved_amount == 0
    review = parse_cover(v3_cover(status="UnderReview", amount=None))
    assert review.state == "referred" and review.approved_amount is None
    unknown = parse_cover(v3_cover(status="Mystery", amount=99999))
    assert unknown.state == "referred" and unknown.approved_amount is None
    assert unknown.code == "Mystery" and "Mystery" in unknown.text


def test_parse_cover_v2_shape_and_buyer_fallback():
    decision = parse_cover(
        {
            "coverId": 501,
            "coverStatusCode": "Agreement",
            "decision": {
                "permanent": {"permanentAmount": 75000, "currencyCode": "EUR"}
            },
        },
        buyer_id="42",
    )
    assert decision.state == "decided"
    assert decision.approved_amount == Decimal(75000)
    assert decision.cover_id == "501" and decision.buyer_id == "42"
    assert decision.currency == "EUR"


def test_parse_cover_rejects_bad_values():
    with pytest.raises(ApiBadResponse, match="amount"):
        parse_cover(v3_cover(amount="lots"))
    with pytest.raises(ApiBadResponse, match="date"):
        parse_cover(v3_cover(startDate="01-03-2026"))
    with pytest.raises(ApiBadResponse, match="coverId"):
        parse_cover({"coverStatusCode": "Agreement"})
    with pytest.raises(ApiBadResponse, match="without an amount"):
        parse_cover(v3_cover(amount=None))


# -------------------------------------------------------------- decisions --


def test_decisions_follow_the_pages(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    first = [v3_cover("C-%d" % n) for n in range(100)]
    server.push(
        Reply(206, {"covers": first, "pagination": {"totalCount": 101}}),
        Reply(200, {"covers": [v3_cover("C-LAST")], "pagination": {"totalCount": 101}}),
        path=SEARCH,
    )
    decisions = client(server).decisions()
    assert len(decisions) == 101 and decisions[-1].cover_id == "C-LAST"
    bodies = [json.loads(r.body) for r in calls(server, SEARCH)]
    assert bodies == [
        {
            "policies": [{"businessUnitCode": "BU-NL", "policyId": "POL-42"}],
            "pagination": {"page": page, "pageSize": 100, "isTotalRequired": True},
        }
        for page in (1, 2)
    ]


def test_decisions_stop_at_the_total_and_filter_on_date(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    covers = [v3_cover("OLD-%d" % n, decisionDate="2026-01-15") for n in range(99)]
    covers.append(v3_cover("NEW", decisionDate="2026-04-01"))
    server.push(Reply(200, {"covers": covers, "totalCount": 100}), path=SEARCH)
    decisions = client(server).decisions(since=date(2026, 3, 1))
    assert [d.cover_id for d in decisions] == ["NEW"]
    assert len(calls(server, SEARCH)) == 1


# --------------------------------------------------------------- overdues --


def test_report_overdue_body_and_receipts(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(202, {"jobId": "job-ovd"}),
        Reply(201, {"overdueId": "OV-7"}),
        path=OVERDUES,
    )
    notice = OverdueNotice(
        "123456789",
        (
            OverdueLine(
                "INV-1",
                date(2026, 1, 5),
                date(2026, 2, 4),
                Decimal("1210.00"),
                Decimal("1210.00"),
                "EUR",
            ),
            OverdueLine(
                "INV-2",
                None,
                date(2026, 2, 20),
                Decimal("500"),
                Decimal("250.25"),
                "EUR",
            ),
        ),
        reference="OVERDUE-REF-1234567890",
        category="OVD",
    )
    allianz = client(server)
    receipt = allianz.report_overdue(notice)
    assert (receipt.reference, receipt.state) == ("job-ovd", "pending")
    second = allianz.report_overdue(notice)
    assert (second.reference, second.state) == ("OV-7", "reported")
    call = calls(server, OVERDUES)[0]
    assert call.method == "POST"
    assert json.loads(call.body) == {
        "policy": {"businessUnitCode": "BU-NL", "policyId": "POL-42"},
        "companyId": "123456789",
        "overdueCategoryTypeCode": "OVD",
        "currencyCode": "EUR",
        "totalOverdueAmount": 1460.25,
        "invoices": [
            {
                "invoiceNumber": "INV-1",
                "invoiceDate": "2026-01-05",
                "dueDate": "2026-02-04",
                "invoiceAmount": 1210,
                "overdueAmount": 1210,
                "currencyCode": "EUR",
            },
            {
                "invoiceNumber": "INV-2",
                "dueDate": "2026-02-20",
                "invoiceAmount": 500,
                "overdueAmount": 250.25,
                "currencyCode": "EUR",
            },
        ],
        "customerReference": "OVERDUE-REF-12345678",
    }


# -------------------------------------------------- transport and errors --


def test_429_is_retried_after_the_asked_wait_even_for_a_post(server):
    waits = []
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(
            429, {"errors": [{"message": "slow down"}]}, headers={"Retry-After": "0"}
        ),
        Reply(202, {"jobId": "job-9"}),
        path=COVERS,
    )
    decision = client(server, sleep=waits.append).request_limit(
        LimitRequest("7", Decimal(1000), "EUR")
    )
    assert decision.job_id == "job-9"
    assert len(calls(server, COVERS)) == 2
    assert waits == [0.0]


def test_a_limit_post_is_not_repeated_after_a_502(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(502), Reply(202, {"jobId": "job-x"}), path=COVERS)
    with pytest.raises(ApiUnavailable):
        client(server).request_limit(LimitRequest("7", Decimal(1000), "EUR"))
    assert len(calls(server, COVERS)) == 1  # a second job could follow


def test_a_search_is_retried_until_the_retries_run_out(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(502), Reply(502), Reply(502), Reply(502), path=SEARCH)
    with pytest.raises(ApiUnavailable) as info:
        client(server, max_retries=2).decisions()
    assert info.value.status == 502
    assert len(calls(server, SEARCH)) == 3


def test_malformed_json_is_a_bad_response(server):
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(Reply(200, raw="not json{"), path=JOBS + "/job-1")
    with pytest.raises(ApiBadResponse):
        client(server).poll(PENDING)


def test_a_slow_answer_times_out(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(200, {"jobStatusCode": "pending"}, delay=3.0), path=JOBS + "/job-1"
    )
    allianz = client(server, timeout=(1.0, 0.3), max_retries=0)
    started = time.monotonic()
    with pytest.raises(ApiTimeout) as info:
        allianz.poll(PENDING)
    assert time.monotonic() - started < 2.0
    assert len(calls(server, JOBS + "/job-1")) == 1
    for secret in (API_KEY, TOKEN_VALUE):
        assert secret not in str(info.value) and secret not in caplog.text


def test_errors_join_messages_and_keep_secrets_out(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.push(Reply(200, TOKEN), path=TOKEN_PATH)
    server.push(
        Reply(
            400,
            {
                "errors": [
                    {"code": "COV-12", "message": "amount too high"},
                    {"code": "COV-13", "detail": "token %s is odd" % TOKEN_VALUE},
                ]
            },
        ),
        path=COVERS,
    )
    with pytest.raises(ApiError) as info:
        client(server, max_retries=0).request_limit(
            LimitRequest("7", Decimal(10**9), "EUR")
        )
    error = info.value
    assert error.status == 400 and error.code == "COV-12"
    assert "amount too high; token *** is odd" in str(error)
    for secret in (API_KEY, TOKEN_VALUE):
        assert secret not in str(error) and secret not in caplog.text
    assert len(calls(server, COVERS)) == 1


# -------------------------------------------------------------- settings --


def test_settings_are_checked_and_capabilities_listed(server):
    with pytest.raises(ValueError):
        AllianzTradeClient("", "POL-42")
    with pytest.raises(ValueError):
        AllianzTradeClient(API_KEY, "")
    with pytest.raises(ValueError):
        AllianzTradeClient(API_KEY, "POL-42", environment="staging")
    allianz = AllianzTradeClient(API_KEY, "POL-42", "BU-NL")
    assert allianz.base_url == "https://api-services.uat.1placedessaisons.com/uatm"
    production = AllianzTradeClient(API_KEY, "POL-42", environment="production")
    assert production.base_url == "https://api.allianz-trade.com"
    assert allianz.supports("overdue") and not allianz.supports("rating")
    with pytest.raises(NotSupported):
        allianz.rating("7")
    assert API_KEY not in repr(allianz)
