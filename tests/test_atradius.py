"""The Atradius adapter against a local fake server (documented payloads only)."""

import base64
import json
from datetime import date
from decimal import Decimal

import pytest
from fakes import FakeServer, Reply

from in2dmm_credit.tools.http_client import ApiTimeout
from in2dmm_insurers.tools.atradius import (
    ApiBadResponse,
    ApiError,
    AtradiusClient,
    iso3,
    parse_decision,
)
from in2dmm_insurers.tools.insurer import (
    Identifiers,
    InsurerAdapter,
    LimitRequest,
    MonitoringEvent,
    NotSupported,
    OverdueLine,
    OverdueNotice,
)

TOKEN = {
    "data": {"access_token": "tok-123", "token_type": "Bearer", "expires_in": 1800}
}
COVERS = "/credit-insurance/cover-management/v1/covers"
BUYERS = "/credit-insurance/organisation-management/v1/buyers"


@pytest.fixture
def server():
    with FakeServer() as fake:
        yield fake


def client(server, **kw):
    kw.setdefault("timeout", (2.0, 3.0))
    return AtradiusClient(
        "client-1",
        "s3cret",
        "app-key-9",
        123456,
        "POL-42",
        base_url=server.url,
        sleep=lambda s: None,
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


# ------------------------------------------------------------------ adapter --


def test_adapter_capabilities_and_unsupported_functions(server):
    atradius = client(server)
    assert isinstance(atradius, InsurerAdapter)
    assert atradius.capabilities == {"buyer", "limit", "rating", "monitoring"}
    assert atradius.supports("rating") and not atradius.supports("overdue")
    notice = OverdueNotice(
        "7",
        (OverdueLine("F1", None, date(2026, 1, 1), Decimal(10), Decimal(10), "EUR"),),
    )
    with pytest.raises(NotSupported):
        atradius.report_overdue(notice)
    assert atradius.monitor("7") is None  # every buyer of the policy is monitored
    assert server.requests == []


def test_find_buyer_by_kvk_first(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(
            200,
            {
                "data": [
                    {
                        "buyerId": 11223344,
                        "buyerName": "Bouw BV",
                        "currentBuyerRating": 45,
                        "currentBuyerRatingClass": "Low risk",
                    }
                ]
            },
        ),
        path=BUYERS,
    )
    buyer = client(server, uid_types={"kvk": "NLCOC"}).find_buyer(
        Identifiers(kvk="6875 0110", vat="NL001234567B01")
    )
    assert (buyer.id, buyer.name, buyer.match) == ("11223344", "Bouw BV", "kvk")
    assert (buyer.rating, buyer.rating_class) == ("45", "Low risk")
    lookups = [r for r in server.requests if r.path == BUYERS]
    assert len(lookups) == 1  # a charged lookup: stop at the first hit
    assert lookups[0].params == {
        "customerId": "123456",
        "policyId": "POL-42",
        "country": "NLD",
        "uid": "68750110",
        "uidType": "NLCOC",
    }
    assert lookups[0].header("Authorization") == "Bearer tok-123"


def test_find_buyer_falls_back_to_vat(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(404, {"errors": [{"detail": "No buyer match found"}]}), path=BUYERS
    )
    server.push(Reply(200, {"data": [{"buyerId": 99, "buyerName": "SA"}]}), path=BUYERS)
    buyer = client(server).find_buyer(
        Identifiers(kvk="68750110", vat="be 0123.456.789", country="be")
    )
    assert (buyer.id, buyer.match) == ("99", "vat")
    kvk_call, vat_call = [r for r in server.requests if r.path == BUYERS]
    assert (kvk_call.params["uid"], kvk_call.params["uidType"]) == ("68750110", "KVK")
    assert (vat_call.params["uid"], vat_call.params["uidType"]) == (
        "BE0123.456.789",
        "VAT",
    )
    assert kvk_call.params["country"] == vat_call.params["country"] == "BEL"


def test_find_buyer_no_match_anywhere(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(422, {"errors": [{"detail": "No buyer match found"}]}), path=BUYERS
    )
    server.push(Reply(200, {"data": []}), path=BUYERS)
    atradius = client(server, max_retries=0)
    assert atradius.find_buyer(Identifiers(kvk="68750110", vat="NL1B01")) is None
    assert len([r for r in server.requests if r.path == BUYERS]) == 2
    # another 422 is a real error
    server.push(
        Reply(422, {"errors": [{"detail": "Invalid uidType", "source": {}}]}),
        path=BUYERS,
    )
    with pytest.raises(ApiError, match="Invalid uidType"):
        atradius.find_buyer(Identifiers(kvk="68750110"))


def test_find_buyer_checks_before_calling(server):
    atradius = client(server)
    with pytest.raises(ValueError, match="KvK or VAT"):
        atradius.find_buyer(Identifiers(name="Bouw BV"))
    with pytest.raises(ValueError, match="'JP' is not supported"):
        atradius.find_buyer(Identifiers(kvk="68750110", country="JP"))
    with pytest.raises(ValueError, match="no country"):
        atradius.find_buyer(Identifiers(vat="NL1B01", country=""))
    assert server.requests == []  # nothing charged


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("NL", "NLD"),
        ("de", "DEU"),
        ("GB", "GBR"),
        ("CH", "CHE"),
        ("US", "USA"),
        ("NO", "NOR"),
        ("EL", "GRC"),
        ("NLD", "NLD"),
    ],
)
def test_iso3(code, expected):
    assert iso3(code) == expected


# ------------------------------------------------------------------ ratings --


def test_rating_parse_and_not_found(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(
            200,
            {
                "data": {
                    "buyerId": 7,
                    "currentBuyerRating": 62,
                    "currentBuyerRatingClass": "Satisfactory",
                    "ratingDate": "2026-11-03T09:00:00Z",
                }
            },
        ),
        path=BUYERS + "/7",
    )
    server.push(
        Reply(200, {"data": [{"buyerId": 8, "currentBuyerRating": "30"}]}),
        path=BUYERS + "/8",
    )
    server.push(Reply(200, {"data": {"buyerId": 9}}), path=BUYERS + "/9")
    server.push(Reply(404, {"errors": [{"detail": "Not found"}]}), path=BUYERS + "/10")
    atradius = client(server)
    rating = atradius.rating("7")
    assert (rating.buyer_id, rating.scale, rating.value) == ("7", "atradius", "62")
    assert rating.description == "Satisfactory"
    assert rating.rated_on == date(2026, 11, 3)
    call = server.requests[1]
    assert call.params == {"customerId": "123456", "policyId": "POL-42"}
    listed = atradius.rating(8)
    assert listed.value == "30" and listed.rated_on is None
    assert atradius.rating("9") is None  # no rating
    assert atradius.rating("10") is None  # unknown buyer
    with pytest.raises(ValueError):
        atradius.rating("")


def test_rating_bad_answer(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(200, {"data": ["x"]}), path=BUYERS + "/7")
    with pytest.raises(ApiBadResponse):
        client(server).rating("7")


# --------------------------------------------------------------- monitoring --

MY_BUYERS = {
    "data": [
        {
            "buyerId": 7,
            "currentBuyerRating": 62,
            "currentBuyerRatingClass": "Satisfactory",
            "ratingDate": "2026-11-03",
        },
        {"buyerId": 8, "currentBuyerRating": 30, "currentBuyerRatingClass": "Weak"},
        {"buyerId": 9},  # no rating: no event
        {"buyerId": 10, "currentBuyerRating": 80, "ratingDate": "2026-01-02"},
    ]
}


def test_events_without_since(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(200, MY_BUYERS), path=BUYERS + "/my-buyers")
    events = client(server).events()
    assert events == [
        MonitoringEvent(
            event_id="7:2026-11-03",
            buyer_id="7",
            kind="rating",
            event_date=date(2026, 11, 3),
            new_value="62",
            text="Satisfactory",
        ),
        MonitoringEvent(
            event_id="8:30", buyer_id="8", kind="rating", new_value="30", text="Weak"
        ),
        MonitoringEvent(
            event_id="10:2026-01-02",
            buyer_id="10",
            kind="rating",
            event_date=date(2026, 1, 2),
            new_value="80",
        ),
    ]
    assert server.requests[-1].params == {"policyId": "POL-42", "customerId": "123456"}


def test_events_since_filters_on_the_rating_date(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(200, MY_BUYERS), path=BUYERS + "/my-buyers")
    atradius = client(server)
    events = atradius.events(date(2026, 11, 1))
    # the buyer rated before `since` is dropped even if the server ignores the
    # (guessed) filter; one without a date is kept
    assert [e.event_id for e in events] == ["7:2026-11-03", "8:30"]
    params = server.requests[-1].params
    assert params["ratingUpdatedAfter"] == "2026-11-01"
    assert AtradiusClient.rating_updated_after_param == "ratingUpdatedAfter"
    server.push(Reply(200, {"meta": {}}), path=BUYERS + "/my-buyers")
    with pytest.raises(ApiBadResponse):
        atradius.events()


def test_not_json_is_a_bad_response(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(200, raw="<html>proxy error</html>{"), path=COVERS + "/decisions")
    with pytest.raises(ApiBadResponse):
        client(server).decisions()


def test_429_then_answer_and_a_post_retried_only_when_not_processed(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(
        Reply(
            429,
            {"errors": [{"detail": "Too many requests"}]},
            headers={"Retry-After": "0"},
        ),
        path=COVERS,
    )
    server.push(Reply(201, {"data": [{"coverId": 5, "response": "ok"}]}), path=COVERS)
    decision = client(server).request_limit(LimitRequest("7", Decimal(1000), "EUR"))
    assert decision.cover_id == "5"
    assert [r.method for r in server.requests if r.path == COVERS] == ["POST", "POST"]


def test_server_errors_until_retries_run_out(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    for _ in range(3):
        server.push(
            Reply(503, {"errors": [{"detail": "maintenance"}]}), path=BUYERS + "/7"
        )
    with pytest.raises(ApiError) as info:
        client(server, max_retries=2).rating("7")
    assert info.value.status == 503 and info.value.retryable
    assert len([r for r in server.requests if r.path == BUYERS + "/7"]) == 3
    # a 502 on a POST may have been processed: never sent twice
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(502, {"errors": [{"detail": "bad gateway"}]}), path=COVERS)
    with pytest.raises(ApiError):
        client(server, max_retries=2).request_limit(
            LimitRequest("7", Decimal(1000), "EUR")
        )
    assert len([r for r in server.requests if r.path == COVERS]) == 1


def test_a_slow_answer_times_out(server):
    server.push(Reply(200, TOKEN), path="/authenticate/v2/tokens")
    server.push(Reply(200, {"data": []}, delay=2.0), path=COVERS + "/decisions")
    slow = client(server, timeout=(1.0, 0.3), max_retries=0)
    with pytest.raises(ApiTimeout):
        slow.decisions()
