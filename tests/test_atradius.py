"""The Atradius adapter against a local fake server (documented payloads only)."""

import base64
import json
from datetime import date
from decimal import Decimal

import pytest
from fakes import FakeServer, Reply

from in2dmm_insurers.tools.atradius import (
    ApiBadResponse,
    AtradiusClient,
    parse_decision,
)
from in2dmm_insurers.tools.insurer import LimitRequest

TOKEN = {
    "data": {"access_token": "tok-123", "token_type": "Bearer", "expires_in": 1800}
}
COVERS = "/credit-insurance/cover-management/v1/covers"


@pytest.fixture
def server():
    with FakeServer() as fake:
        yield fake


def client(server, **kw):
    return AtradiusClient(
        "client-1",
        "s3cret",
        "app-key-9",
        123456,
        "POL-42",
        base_url=server.url,
        sleep=lambda s: None,
        timeout=(2.0, 3.0),
        **kw,
    )


def test_token_then_limit_request_decided(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(201, {"data": [{"coverId": 998877, "response": "Action successful"}]}),
        path=COVERS,
    )
    decision = client(server).request_limit(
        LimitRequest("11223344", Decimal("50000"), "EUR", reference="SO042")
    )
    assert decision.state == "decided" and decision.cover_id == "998877"
    token_call, cover_call = server.requests
    basic = base64.b64encode(b"client-1:s3cret").decode()
    assert token_call.header("Authorization") == "Basic " + basic
    assert token_call.header("Atradius-App-Key") == "app-key-9"
    assert cover_call.header("Authorization") == "Bearer tok-123"
    assert cover_call.header("Atradius-App-Key") == "app-key-9"
    body = json.loads(cover_call.body)
    assert body == {
        "customerId": 123456,
        "policyId": "POL-42",
        "buyerId": "11223344",
        "coverType": "credit-limit",
        "customerRefNumber": "SO042",
        "creditLimitAmount": 50000.0,
        "currencyCode": "EUR",
    }


def test_referred_refused_and_amendments(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(202, {"data": [{"coverId": 1, "response": "ok"}]}), path=COVERS)
    server.push(
        Reply(200, {"data": [{"coverId": 2, "response": "Action has been refused."}]}),
        path=COVERS,
    )
    atradius = client(server)
    referred = atradius.request_limit(LimitRequest("7", Decimal(1000), "EUR"))
    assert referred.state == "referred"
    refused = atradius.request_limit(
        LimitRequest("7", Decimal(2000), "EUR", kind="increase")
    )
    assert refused.state == "refused" and refused.approved_amount == 0
    amend = server.requests[-1]
    assert amend.method == "PUT"
    assert json.loads(amend.body)["action"] == "supersede"


def test_expired_token_is_renewed_once(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(401, {"errors": [{"detail": "Token expired"}]}),
        path=COVERS + "/decisions",
    )
    server.push(
        Reply(200, {"data": {"accessToken": "tok-456", "expiresIn": 1800}}),
        path="/authenticate/v2/tokens",
    )
    server.push(Reply(200, {"data": []}), path=COVERS + "/decisions")
    assert client(server).decisions(date(2026, 12, 1)) == []
    last = server.requests[-1]
    assert last.header("Authorization") == "Bearer tok-456"
    assert last.params["fromDate"] == "2026-12-01"


def test_errors_are_clear_and_secrets_stay_out(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(
            422,
            {
                "errors": [
                    {
                        "detail": "Must be positive number greater than zero and a "
                        "multiple of 1000.",
                        "source": {"parameter": "creditLimitAmount"},
                    }
                ]
            },
        ),
        path=COVERS,
    )
    atradius = client(server, max_retries=0)
    with pytest.raises(Exception) as info:
        atradius.request_limit(LimitRequest("7", Decimal(1500), "EUR"))
    text = str(info.value)
    assert "multiple of 1000" in text and "creditLimitAmount" in text
    assert "s3cret" not in repr(atradius) and "tok-123" not in text


def test_malformed_answers_are_bad_responses(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(201, {"data": [{"response": "ok"}]}), path=COVERS)
    with pytest.raises(ApiBadResponse):
        client(server).request_limit(LimitRequest("7", Decimal(1000), "EUR"))
    with pytest.raises(ApiBadResponse):
        parse_decision({"decisionCode": "DC01"})


def test_decision_parsing_uses_policy_currency_amounts():
    decision = parse_decision(
        {
            "coverId": 55,
            "buyerId": 7,
            "coverStatus": "DECISION",
            "decisionCode": "DC02",
            "decisionTypeDescription": "Approved with conditions",
            "policyCurrencyCode": "EUR",
            "creditLimitApplicationAmountInPolicyCurrency": 80000,
            "totalDecision": {
                "decisionAmtInPolicyCurrency": 60000,
                "decisionAmtInUserCurrency": 99999,
                "decisionExpiryDate": "2027-06-30",
                "decisionConditions": [
                    {"conditionCode": "PT60", "conditionDescription": "Max 60 days"}
                ],
            },
            "effectFromDate": "2026-12-01T00:00:00+01:00",
            "decisionDate": "2026-11-30",
        }
    )
    assert decision.state == "decided"
    assert decision.approved_amount == Decimal(60000)  # not the applied 80,000
    assert decision.valid_until == date(2027, 6, 30)
    assert decision.valid_from == date(2026, 12, 1)
    assert decision.conditions[0].code == "PT60"
    withdrawn = parse_decision({"coverId": 1, "decisionCode": "DC08"})
    assert withdrawn.state == "withdrawn" and withdrawn.approved_amount == 0
    referred = parse_decision({"coverId": 2, "coverStatus": "REFERRED"})
    assert referred.state == "referred" and referred.approved_amount is None


def test_requests_are_checked_before_sending():
    with pytest.raises(ValueError):
        LimitRequest("7", Decimal(0), "EUR")
    with pytest.raises(ValueError):
        LimitRequest("7", Decimal(10), "EUR", kind="double")
    assert LimitRequest("7", Decimal(0), "EUR", kind="cancel").kind == "cancel"
    with pytest.raises(ValueError):
        AtradiusClient("", "x", "y", 1, "P")
