"""The Creditsafe Connect adapter against a local fake server."""

import json
import logging
from datetime import date
from decimal import Decimal

import pytest
from fakes import FakeServer, Reply

from in2dmm_credit.tools.http_client import (
    ApiAuthError,
    ApiBadResponse,
    ApiError,
    ApiNotFound,
    ApiRateLimited,
    ApiTimeout,
    ApiUnavailable,
)
from in2dmm_insurers.tools.creditsafe import (
    BASE_URLS,
    CreditsafeClient,
    event_kind,
    parse_rating,
)
from in2dmm_insurers.tools.insurer import (
    Identifiers,
    LimitRequest,
    NotSupported,
)

PASSWORD = "pa55-w0rd!"
TOKEN = "tok-abc-123"
AUTH = "/authenticate"
PORTFOLIO = "/monitoring/portfolios/777"
EVENTS = PORTFOLIO + "/notificationEvents"
COMPANY = {
    "id": "NL-X-12345678",
    "safeNo": "NL01234567",
    "regNo": "12345678",
    "name": "Bakkerij De Korst B.V.",
    "address": {
        "street": "Dorpsstraat 1",
        "city": "Utrecht",
        "postCode": "3511 AB",
    },
    "status": "Active",
}


def report(current, previous=None, changed="2026-10-01T00:00:00Z"):
    score = {"currentCreditRating": current, "latestRatingChangeDate": changed}
    if previous is not None:
        score["previousCreditRating"] = previous
    return {"correlationId": "c-1", "report": {"creditScore": score}}


@pytest.fixture
def server():
    with FakeServer() as fake:
        yield fake


def client(server, token=TOKEN, **kw):
    if token:
        server.push(Reply(200, {"token": token}), path=AUTH)
    kw.setdefault("timeout", (2.0, 3.0))
    kw.setdefault("sleep", lambda s: None)
    return CreditsafeClient("jan@example.nl", PASSWORD, base_url=server.url, **kw)


def only(server, path):
    return [r for r in server.requests if r.path == path]


# ---------------------------------------------------------------- auth --


def test_authenticates_once_and_sends_the_bearer_token(server):
    server.push(Reply(200, {"companies": []}), Reply(200, {}), path="/companies")
    creditsafe = client(server)
    assert creditsafe.find_buyer(Identifiers(kvk="12345678")) is None
    assert creditsafe.find_buyer(Identifiers(kvk="87654321")) is None
    (login,) = only(server, AUTH)
    assert login.method == "POST"
    assert json.loads(login.body) == {
        "username": "jan@example.nl",
        "password": PASSWORD,
    }
    assert login.header("Authorization") is None
    searches = only(server, "/companies")
    assert len(searches) == 2
    assert all(s.header("Authorization") == "Bearer " + TOKEN for s in searches)


def test_the_token_is_assumed_valid_for_an_hour(server):
    now = [1000.0]
    server.push(*[Reply(200, {"companies": []}) for _ in range(3)], path="/companies")
    creditsafe = client(server, clock=lambda: now[0])
    server.push(Reply(200, {"token": "tok-later"}), path=AUTH)
    creditsafe.find_buyer(Identifiers(kvk="12345678"))
    now[0] += 3500  # within the hour, before the renewal margin
    creditsafe.find_buyer(Identifiers(kvk="12345678"))
    assert len(only(server, AUTH)) == 1
    now[0] += 80  # 3580 s: inside the base class's 30 s margin
    creditsafe.find_buyer(Identifiers(kvk="12345678"))
    assert len(only(server, AUTH)) == 2
    assert only(server, "/companies")[-1].header("Authorization") == "Bearer tok-later"


def test_a_refused_token_is_renewed_once(server):
    server.push(
        Reply(401, {"message": "Token expired"}),
        Reply(200, {"companies": [COMPANY]}),
        path="/companies",
    )
    creditsafe = client(server)
    server.push(Reply(200, {"token": "tok-new-456"}), path=AUTH)
    buyer = creditsafe.find_buyer(Identifiers(kvk="12345678"))
    assert buyer.id == "NL-X-12345678"
    assert len(only(server, AUTH)) == 2
    first, second = only(server, "/companies")
    assert first.header("Authorization") == "Bearer " + TOKEN
    assert second.header("Authorization") == "Bearer tok-new-456"


def test_a_second_401_after_a_new_token_is_an_auth_error(server):
    server.push(
        Reply(401, {"message": "Token expired"}),
        Reply(401, {"message": "Still not allowed"}),
        path="/companies",
    )
    creditsafe = client(server)
    server.push(Reply(200, {"token": "tok-new-456"}), path=AUTH)
    with pytest.raises(ApiAuthError):
        creditsafe.find_buyer(Identifiers(kvk="12345678"))
    assert len(only(server, AUTH)) == 2  # renewed once, not in a loop


def test_bad_credentials_are_an_auth_error_without_the_password(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.push(
        Reply(
            401,
            {
                "correlationId": "corr-42",
                "message": "Invalid credentials",
                "details": "user jan@example.nl, password %s" % PASSWORD,
            },
        ),
        path=AUTH,
    )
    creditsafe = client(server, token=None)
    with pytest.raises(ApiAuthError) as info:
        creditsafe.find_buyer(Identifiers(kvk="12345678"))
    text = str(info.value)
    assert "Invalid credentials" in text and "corr-42" in text
    assert PASSWORD not in text and PASSWORD not in repr(info.value.args)
    assert PASSWORD not in caplog.text
    assert only(server, "/companies") == []  # no call without a token


# -------------------------------------------------------------- search --


def test_find_buyer_by_kvk_sends_the_exact_query(server):
    server.push(Reply(200, {"totalSize": 1, "companies": [COMPANY]}), path="/companies")
    buyer = client(server).find_buyer(
        Identifiers(kvk="1234 5678", vat="NL001234567B01", name="Korst")
    )
    assert buyer.id == "NL-X-12345678"
    assert buyer.name == "Bakkerij De Korst B.V."
    assert buyer.match == "kvk"
    assert buyer.address == "Dorpsstraat 1, 3511 AB Utrecht"
    (search,) = only(server, "/companies")
    assert search.method == "GET"
    assert search.query == [
        ("countries", "NL"),
        ("regNo", "12345678"),
        ("pageSize", "5"),
    ]


def test_find_buyer_by_vat_then_by_name_and_postcode(server):
    second = dict(COMPANY, id="NL-X-2", address={"simpleValue": "Markt 2, Gouda"})
    server.push(
        Reply(200, {"totalSize": 1, "companies": [COMPANY]}),
        Reply(200, {"totalSize": 2, "companies": [second, COMPANY]}),
        path="/companies",
    )
    creditsafe = client(server)
    by_vat = creditsafe.find_buyer(Identifiers(vat="nl 0012 34567 B01"))
    assert by_vat.match == "vat"
    by_name = creditsafe.find_buyer(
        Identifiers(name=" De Korst ", postcode="2801 AA", city="Gouda", country="nl")
    )
    assert by_name.id == "NL-X-2"  # the first (best ranked) result
    assert by_name.match == "name_address"
    assert by_name.address == "Markt 2, Gouda"
    vat_search, name_search = only(server, "/companies")
    assert vat_search.params == {
        "countries": "NL",
        "vatNo": "NL001234567B01",
        "pageSize": "5",
    }
    assert name_search.params == {
        "countries": "NL",
        "name": "De Korst",
        "postCode": "2801 AA",
        "city": "Gouda",
        "pageSize": "5",
    }


def test_find_buyer_empty_or_404_is_none(server):
    server.push(
        Reply(200, {"totalSize": 0, "companies": []}),
        Reply(404, {"message": "No companies found"}),
        path="/companies",
    )
    creditsafe = client(server)
    assert creditsafe.find_buyer(Identifiers(kvk="12345678")) is None
    assert creditsafe.find_buyer(Identifiers(name="Nobody", postcode="1000AA")) is None
    assert len(only(server, "/companies")) == 2


def test_find_buyer_needs_an_identifier_and_a_connect_id(server):
    creditsafe = client(server)
    with pytest.raises(ValueError):
        creditsafe.find_buyer(Identifiers(postcode="1234AB"))
    server.push(Reply(200, {"companies": [{"name": "No id"}]}), path="/companies")
    with pytest.raises(ApiBadResponse):
        creditsafe.find_buyer(Identifiers(kvk="12345678"))


# ------------------------------------------------------------- ratings --


def test_rating_on_the_creditsafe_scale(server):
    server.push(
        Reply(
            200,
            report(
                {
                    "commonValue": "B",
                    "commonDescription": "Low Risk",
                    "creditLimit": {"value": "25000", "currency": "EUR"},
                    "providerValue": {"value": 62, "minValue": "1", "maxValue": 100},
                    "providerDescription": "Laag risico",
                },
                previous={"commonValue": "C"},
            ),
        ),
        path="/companies/NL-X-12345678",
    )
    rating = client(server, language="nl").rating("NL-X-12345678")
    assert rating.scale == "creditsafe"
    assert rating.value == "B" and rating.description == "Low Risk"
    assert rating.score == Decimal(62)
    assert rating.score_min == Decimal(1) and rating.score_max == Decimal(100)
    assert rating.advised_limit == Decimal(25000) and rating.currency == "EUR"
    assert rating.rated_on == date(2026, 10, 1)
    assert rating.previous_value == "C"
    assert rating.buyer_id == "NL-X-12345678"
    (call,) = only(server, "/companies/NL-X-12345678")
    assert call.params == {"language": "nl"}


def test_rating_with_a_graydon_grade(server):
    server.push(
        Reply(
            200,
            report(
                {
                    "commonValue": "A",
                    "commonDescription": "Very Low Risk",
                    "creditLimit": {"value": 150000.0, "currency": "EUR"},
                    "providerValue": {
                        "value": "aa",
                        "minValue": "D",
                        "maxValue": "AAA",
                    },
                    "providerDescription": "Zeer laag risico",
                },
                previous={"commonValue": "B", "providerValue": {"value": "A"}},
            ),
        ),
        path="/companies/NL-X-12345678",
    )
    rating = client(server).rating("NL-X-12345678")
    assert rating.scale == "graydon"
    assert rating.value == "AA"
    assert rating.description == "Zeer laag risico"
    assert rating.previous_value == "A"
    assert rating.score is None and rating.score_min is None
    assert rating.advised_limit == Decimal("150000")


def test_rating_without_credit_score_is_none(server):
    server.push(
        Reply(200, {"report": {"companySummary": {"businessName": "X"}}}),
        path="/companies/NL-X-1",
    )
    assert client(server).rating("NL-X-1") is None


def test_rating_with_a_bad_number_is_a_bad_response(server):
    server.push(
        Reply(
            200,
            report(
                {
                    "commonValue": "C",
                    "creditLimit": {"value": "lots", "currency": "EUR"},
                    "providerValue": {"value": "40"},
                }
            ),
        ),
        path="/companies/NL-X-1",
    )
    with pytest.raises(ApiBadResponse) as info:
        client(server).rating("NL-X-1")
    assert "credit limit" in str(info.value)


def test_parse_rating_edge_cases():
    # a provider value that is a local code, not a number: no score
    rating = parse_rating(
        "DE-X-1",
        report({"commonValue": "d", "providerValue": {"value": "n/a"}}, changed=None),
    )
    assert rating.value == "D" and rating.score is None and rating.rated_on is None
    assert parse_rating("X", report({"commonValue": ""})) is None
    with pytest.raises(ApiBadResponse):
        parse_rating("X", report({"commonValue": "A"}, changed="yesterday"))
    with pytest.raises(ApiBadResponse):
        parse_rating(
            "X", report({"commonValue": "A", "providerValue": {"minValue": "x"}})
        )
    with pytest.raises(ApiBadResponse):
        parse_rating("X", ["not", "an", "object"])


def test_unknown_company_report_is_not_found(server):
    server.push(
        Reply(404, {"correlationId": "c-9", "message": "Company not found"}),
        path="/companies/NL-X-0",
    )
    with pytest.raises(ApiNotFound) as info:
        client(server).rating("NL-X-0")
    assert "Company not found" in str(info.value) and "c-9" in str(info.value)


# ---------------------------------------------------------- monitoring --


def test_ensure_portfolio_creates_once_and_reuses(server):
    server.push(
        Reply(201, {"portfolioId": 777, "name": "in2dmm"}),
        path="/monitoring/portfolios",
    )
    creditsafe = client(server)
    assert creditsafe.ensure_portfolio("in2dmm") == "777"
    assert creditsafe.ensure_portfolio("in2dmm") == "777"
    (create,) = only(server, "/monitoring/portfolios")
    assert create.method == "POST"
    assert json.loads(create.body) == {
        "name": "in2dmm",
        "isDefault": False,
        "emails": [],
        "frequency": "daily",
    }
    assert creditsafe.portfolio_id == "777"


def test_ensure_portfolio_accepts_other_answer_shapes(server):
    server.push(
        Reply(200, {"portfolio": {"portfolioId": "p-9"}}),
        Reply(200, {"correlationId": "c"}),
        path="/monitoring/portfolios",
    )
    assert client(server).ensure_portfolio("one") == "p-9"
    with pytest.raises(ApiBadResponse):
        client(server).ensure_portfolio("two")
    # a configured portfolio is used as it is, without a call
    assert client(server, token=None, portfolio_id=42).ensure_portfolio("x") == "42"
    assert len(only(server, "/monitoring/portfolios")) == 2


def test_monitor_adds_the_company_and_409_is_fine(server):
    server.push(
        Reply(201, {"message": "Company added"}),
        Reply(409, {"message": "Company already exists in portfolio"}),
        Reply(400, {"message": "Invalid id", "details": "id must be a connectId"}),
        path=PORTFOLIO + "/companies",
    )
    creditsafe = client(server, portfolio_id="777")
    assert creditsafe.monitor("NL-X-12345678", reference="DEB-001") is None
    assert creditsafe.monitor("NL-X-12345678") is None
    with pytest.raises(ApiError) as info:
        creditsafe.monitor("nonsense")
    assert info.value.status == 400
    assert "Invalid id: id must be a connectId" in str(info.value)
    first, second, _third = only(server, PORTFOLIO + "/companies")
    assert first.method == "POST"
    assert json.loads(first.body) == {
        "id": "NL-X-12345678",
        "personalReference": "DEB-001",
        "freeText": "",
        "personalLimit": "",
    }
    assert json.loads(second.body)["personalReference"] == ""


def test_monitoring_needs_a_portfolio(server):
    creditsafe = client(server, token=None)
    with pytest.raises(ValueError):
        creditsafe.monitor("NL-X-1")
    with pytest.raises(ValueError):
        creditsafe.events()
    assert server.requests == []


def _event(number, rule_code=999, rule_name="Other change", **extra):
    item = {
        "eventId": number,
        "eventDate": "2026-11-%02dT08:00:00" % (1 + number % 28),
        "ruleCode": rule_code,
        "ruleName": rule_name,
        "company": {"id": "NL-X-%d" % number, "safeNumber": "NL%d" % number},
    }
    item.update(extra)
    return item


def test_events_over_two_pages_with_kinds(server):
    page0 = [_event(n) for n in range(95)] + [
        _event(95, 101, "International Score Change", oldValue="B", newValue="C"),
        _event(96, 1102, "Credit Limit change", oldValue="25000", newValue="10000"),
        _event(97, 1406, "Status changed to Faillissement"),
        _event(98, 1105, "Address change"),
        _event(99, 1200, "Company status"),
    ]
    page1 = [{"eventId": 100, "companyId": "NL-X-100", "ruleName": "Name change"}]
    server.push(
        Reply(200, {"totalCount": 101, "data": page0}),
        Reply(200, {"totalCount": 101, "data": page1}),
        path=EVENTS,
    )
    events = client(server, portfolio_id="777").events(since=date(2026, 11, 1))
    assert len(events) == 101
    by_id = {event.event_id: event for event in events}
    rating = by_id["95"]
    assert rating.kind == "rating" and rating.buyer_id == "NL-X-95"
    assert (rating.old_value, rating.new_value) == ("B", "C")
    assert rating.event_date == date(2026, 11, 12)
    assert rating.text == "International Score Change"
    assert by_id["96"].kind == "limit" and by_id["96"].new_value == "10000"
    assert by_id["97"].kind == "insolvency"
    assert by_id["98"].kind == "identity"
    assert by_id["99"].kind == "status"
    assert by_id["0"].kind == "other"
    assert by_id["100"].kind == "identity" and by_id["100"].buyer_id == "NL-X-100"
    assert by_id["100"].event_date is None
    first, second = only(server, EVENTS)
    assert first.params == {"pageSize": "100", "startDate": "2026-11-01", "page": "0"}
    assert second.params["page"] == "1"


def test_events_stop_at_total_count_and_on_a_short_page(server):
    full = [_event(n) for n in range(100)]
    server.push(
        # totalCount reached after one full page: no second call
        Reply(200, {"totalCount": 100, "data": full}),
        # no totalCount: a full page, then a short one ends it
        Reply(200, {"data": full}),
        Reply(200, {"data": [_event(500)]}),
        path=EVENTS,
    )
    creditsafe = client(server, portfolio_id="777")
    assert len(creditsafe.events()) == 100
    assert len(only(server, EVENTS)) == 1
    assert "startDate" not in only(server, EVENTS)[0].params
    assert len(creditsafe.events()) == 101
    assert [r.params["page"] for r in only(server, EVENTS)] == ["0", "0", "1"]


def test_event_kinds_and_bad_events(server):
    assert event_kind("101", "anything") == "rating"
    assert event_kind(None, "Liquidation started") == "insolvency"
    assert event_kind(7, "Kredietlimiet gewijzigd") == "limit"
    assert event_kind(7, "Bedrijfsnaam gewijzigd") == "identity"
    assert event_kind(7, "Directors changed") == "other"
    server.push(
        Reply(200, {"totalCount": 1, "data": [{"eventId": 1, "ruleName": "x"}]}),
        path=EVENTS,
    )
    with pytest.raises(ApiBadResponse):
        client(server, portfolio_id="777").events()


# ------------------------------------------------------ HTTP behaviour --


def test_rate_limit_with_retry_after_zero_then_success(server):
    waits = []
    server.push(
        Reply(429, {"message": "Too many requests"}, headers={"Retry-After": "0"}),
        Reply(200, {"companies": [COMPANY]}),
        path="/companies",
    )
    buyer = client(server, sleep=waits.append).find_buyer(Identifiers(kvk="12345678"))
    assert buyer.id == "NL-X-12345678"
    assert waits == [0.0]
    assert len(only(server, "/companies")) == 2


def test_rate_limit_beyond_the_retries_is_raised(server):
    server.push(
        *[Reply(429, {}, headers={"Retry-After": "0"}) for _ in range(2)],
        path="/companies",
    )
    with pytest.raises(ApiRateLimited):
        client(server, max_retries=1).find_buyer(Identifiers(kvk="12345678"))


def test_server_errors_until_the_retries_are_exhausted(server):
    waits = []
    server.push(
        *[Reply(503, {"message": "Service Unavailable"}) for _ in range(3)],
        path="/companies/NL-X-1",
    )
    with pytest.raises(ApiUnavailable) as info:
        client(server, max_retries=2, sleep=waits.append).rating("NL-X-1")
    assert info.value.retryable
    assert len(only(server, "/companies/NL-X-1")) == 3
    assert len(waits) == 2


def test_malformed_json_is_a_bad_response(server):
    server.push(Reply(200, raw="{not json"), path="/companies/NL-X-1")
    with pytest.raises(ApiBadResponse):
        client(server).rating("NL-X-1")


def test_a_slow_answer_is_a_timeout(server):
    server.push(
        Reply(200, report({"commonValue": "A"}), delay=2.0), path="/companies/NL-X-1"
    )
    creditsafe = client(server, timeout=(1.0, 0.3), max_retries=0)
    with pytest.raises(ApiTimeout):
        creditsafe.rating("NL-X-1")
    assert len(only(server, "/companies/NL-X-1")) == 1


def test_secrets_never_in_errors_or_logs(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.push(
        Reply(
            500,
            {
                "correlationId": "corr-7",
                "message": "Internal error",
                "details": "token %s for password %s" % (TOKEN, PASSWORD),
            },
        ),
        path="/companies",
    )
    creditsafe = client(server, max_retries=0)
    with pytest.raises(ApiError) as info:
        creditsafe.find_buyer(Identifiers(kvk="12345678"))
    text = str(info.value)
    assert "Internal error" in text and "corr-7" in text
    for secret in (PASSWORD, TOKEN):
        assert secret not in text
        assert secret not in caplog.text
        assert secret not in repr(creditsafe)
    assert "'Authorization': '***'" in caplog.text  # headers were logged, masked


# -------------------------------------------------------- construction --


def test_construction_and_capabilities():
    with pytest.raises(ValueError):
        CreditsafeClient("", PASSWORD)
    with pytest.raises(ValueError):
        CreditsafeClient("jan", "")
    with pytest.raises(ValueError):
        CreditsafeClient("jan", PASSWORD, "staging")
    production = CreditsafeClient("jan", PASSWORD, "production")
    assert production.base_url == BASE_URLS["production"]
    assert CreditsafeClient("jan", PASSWORD).base_url == (
        "https://connect.sandbox.creditsafe.com/v1"
    )
    assert production.supports("monitoring") and production.supports("rating")
    assert not production.supports("limit") and not production.supports("overdue")
    with pytest.raises(NotSupported):
        production.request_limit(LimitRequest("NL-X-1", Decimal(1000), "EUR"))
    with pytest.raises(NotSupported):
        production.decisions()
