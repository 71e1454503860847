"""KvK Open Dataset Jaarrekeningen: parser, rate limiter and client against
the fake open-data host (real TCP on 127.0.0.1)."""

from datetime import date
from decimal import Decimal

import pytest
from fake_kvk import FakeKvkOpenData, load_body, load_fixture
from fakes import Reply

from in2dmm_credit.tools import http_client
from in2dmm_credit.tools.http_client import (
    ApiBadResponse,
    ApiError,
    ApiNotFound,
    ApiRateLimited,
    ApiUnavailable,
)
from in2dmm_kvk.tools import kvk_annual_accounts as annual
from in2dmm_kvk.tools.kvk_annual_accounts import (
    AnnualAccountList,
    KvkOpenDataClient,
    RateLimiter,
    parse_amount,
    parse_annual_accounts,
    parse_date,
)
from in2dmm_kvk.tools.kvk_numbers import InvalidNumber

SEVERAL = "constructed_200_jaarrekeningen_kvknummer_90009992"
SINGLE = "constructed_200_jaarrekeningen_kvknummer_68750110"


@pytest.fixture
def server():
    with FakeKvkOpenData() as fake:
        yield fake


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(server, sleeps):
    return KvkOpenDataClient(
        base_url=server.base_url, sleep=sleeps.append, timeout=(2.0, 5.0)
    )


# ------------------------------------------------------------------ parser --


def test_several_deposits_newest_first():
    result = parse_annual_accounts(load_body(SEVERAL), "90009992")
    assert [a.fiscal_year for a in result] == [2024, 2023, 2022]
    assert result.skipped == 1  # an entry without year or period
    first, second, third = result.accounts

    assert first.period_start == date(2024, 1, 1)
    assert first.period_end == date(2024, 12, 31)
    assert first.adoption_date == date(2025, 5, 20)
    assert first.deposit_date == date(2025, 6, 2)
    assert (first.kind, first.size_class, first.consolidated) == (
        "jaarrekening",
        "small",
        False,
    )
    assert first.sbi_code == "41201"
    assert first.document_url.endswith("/documenten/90009992-2024.xbrl")
    assert first.document_type == "xbrl"
    assert first.figures.total_assets == Decimal("599750")
    assert first.figures.non_current_assets == Decimal("412500")
    assert first.figures.current_assets == Decimal("187250")
    assert first.figures.equity == Decimal("201300")
    assert first.figures.provisions == Decimal("15000")
    assert first.figures.current_liabilities == Decimal("233450")
    assert first.figures.non_current_liabilities == Decimal("150000")
    assert first.figures.equity_and_liabilities == Decimal("599750")
    assert first.figures.revenue is None
    assert ("BalanceSheet / AssetsTitle / Assets", "599750") in first.fields

    # consolidated publication documents: the group figures win over the
    # company-only balance sheet of the same deposit
    assert (second.kind, second.size_class, second.consolidated) == (
        "publicatiestukken",
        "medium",
        True,
    )
    assert second.figures.total_assets == Decimal("1250400.00")
    assert second.figures.equity == Decimal("410000.00")
    assert second.figures.revenue == Decimal("2310000.00")
    assert second.figures.net_result == Decimal("-12500.00")
    assert second.document_type == "pdf"

    # YYYYMMDD dates, no year field: the year comes from the period end
    assert third.fiscal_year == 2022 and third.period_end == date(2022, 12, 31)
    assert third.adoption_date == date(2023, 6, 30)
    assert third.size_class == "micro" and third.kind == "jaarrekening"
    assert third.figures.total_assets == Decimal("350125.50")
    assert third.figures.equity == Decimal("-4200")
    assert third.document_url == "" and third.document_type == ""
    assert len({a.key for a in result}) == 3


def test_documented_single_object_shape():
    result = parse_annual_accounts(load_body(SINGLE), "68750110")
    (account,) = result.accounts
    assert account.fiscal_year == 2023 and account.period_end is None
    assert account.adoption_date == date(2024, 6, 28)
    assert account.sbi_code == "62010"
    assert account.figures.total_assets == Decimal("108150")
    assert account.figures.called_up_share_capital == Decimal("100")
    assert account.figures.liabilities == Decimal("44130")
    assert dict(account.figures.items())["equity"] == Decimal("64020")
    assert account.kind == "jaarrekening" and not account.consolidated


def test_other_plausible_shapes():
    # a list under a key, flat Dutch names, HAL links
    body = {
        "jaarrekeningen": [
            {
                "boekjaar": 2021,
                "balansdatum": "31-12-2021",
                "datumDeponering": "2022-07-01T10:00:00Z",
                "soortDocument": "publicatiestukken",
                "grootteklasse": "klein",
                "geconsolideerd": "Nee",
                "balanstotaal": "1.234,5",
                "eigenVermogen": 1000,
                "_links": {
                    "self": {"href": "https://opendata.kvk.nl/x"},
                    "xbrl": {"href": "https://opendata.kvk.nl/doc/2021.xbrl"},
                },
            },
            {"opmerking": "no year"},
        ]
    }
    result = parse_annual_accounts(body)
    (account,) = result.accounts
    assert account.fiscal_year == 2021 and account.period_end == date(2021, 12, 31)
    assert account.deposit_date == date(2022, 7, 1)
    assert account.kind == "publicatiestukken" and account.size_class == "small"
    assert account.figures.total_assets == Decimal("1234.5")
    assert account.figures.equity == Decimal("1000")
    assert account.document_url == "https://opendata.kvk.nl/doc/2021.xbrl"
    assert result.skipped == 1

    # one Opendata object whose groups are the accounts; links as a list
    grouped = {
        "opendataFields": [
            {
                "key": "Jaarrekening",
                "opendataFields": [
                    {"key": "bw2-titel9:FinancialYear", "value": "2020"},
                    {"key": "Assets", "value": "10"},
                ],
            },
            {
                "key": "Jaarrekening",
                "opendataFields": [
                    {"key": "FinancialYear", "value": "2019"},
                    {"key": "Assets", "value": "9"},
                ],
            },
        ],
        "links": [{"rel": "pdf", "href": "/documenten/2019.pdf"}],
    }
    assert [a.fiscal_year for a in parse_annual_accounts(grouped)] == [2020, 2019]

    # the same account twice is listed once
    twice = [{"opendataFields": [{"key": "FinancialYear", "value": "2020"}]}] * 2
    assert len(parse_annual_accounts(twice)) == 1


def test_nothing_and_wrong_shapes():
    assert not parse_annual_accounts({"opendataFields": []})
    assert not parse_annual_accounts(None)
    assert not parse_annual_accounts([])
    with pytest.raises(ValueError, match="not a JSON object"):
        parse_annual_accounts("a string")


@pytest.mark.parametrize(
    "text, amount",
    [
        ("428763", Decimal("428763")),
        ("-1234", Decimal("-1234")),
        ("1.234.567", Decimal("1234567")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("12,5", Decimal("12.5")),
        ("1,234", Decimal("1234")),
        ("€ 10", Decimal("10")),
        ("(300)", Decimal("-300")),
        (42, Decimal("42")),
        (1.5, Decimal("1.5")),
        ("n.v.t.", None),
        ("", None),
        (None, None),
        (True, None),
        ("NaN", None),
    ],
)
def test_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text, day",
    [
        ("2024-12-31", date(2024, 12, 31)),
        ("2024-12-31T00:00:00Z", date(2024, 12, 31)),
        ("20241231", date(2024, 12, 31)),
        ("31-12-2024", date(2024, 12, 31)),
        ("2024-02-30", None),
        ("20240000", None),
        ("gisteren", None),
        (None, None),
    ],
)
def test_dates(text, day):
    assert parse_date(text) == day


# ------------------------------------------------------------ rate limiter --


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_rate_limiter_one_call_per_minute():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    assert limiter.wait_time() == 0 and limiter.try_acquire() == 0
    assert limiter.try_acquire() == 60.0  # says how long, does not sleep
    clock.now += 45
    assert limiter.wait_time() == 15.0 and limiter.eta(2) == 135.0
    clock.now += 15
    assert limiter.try_acquire() == 0
    limiter.defer(300)  # the server asked for more
    assert limiter.try_acquire() == 300.0
    assert (
        RateLimiter(clock=clock, next_allowed=limiter.next_allowed).wait_time() == 300
    )
    with pytest.raises(ValueError):
        RateLimiter(interval=0)


# ------------------------------------------------------------------ client --


def test_list_of_a_company_with_several_deposits(server, client):
    result = client.annual_accounts("9000 9992")
    assert isinstance(result, AnnualAccountList) and len(result) == 3
    assert result.kvk_number == "90009992"
    (request,) = server.requests
    assert request.path == "/api/v1/hvds/jaarrekeningen/kvknummer/90009992"
    assert request.header("apikey") is None  # open data: no key


def test_no_annual_accounts(client):
    assert not client.annual_accounts("90000749")  # 200, no fields
    result = client.annual_accounts("69599084")  # 404
    assert not result and result.kvk_number == "69599084"


def test_refuses_a_bad_number(server, client):
    with pytest.raises(InvalidNumber):
        client.annual_accounts("1234")
    assert server.requests == []


def test_429_is_retried_by_the_shared_client(server, client, sleeps):
    server.push_fixture("constructed_429_rate-limited")
    assert len(client.annual_accounts("68750110")) == 1
    assert sleeps == [2.0] and len(server.requests) == 2


def test_429_with_a_long_wait_is_raised_with_retry_after(server, sleeps):
    client = KvkOpenDataClient(
        base_url=server.base_url, sleep=sleeps.append, max_retry_after=5
    )
    server.push(Reply(429, headers={"Retry-After": "60"}))
    with pytest.raises(ApiRateLimited) as info:
        client.annual_accounts("68750110")
    assert info.value.retry_after == 60.0 and sleeps == []


def test_malformed_json(server, client):
    server.push_fixture("constructed_200_malformed-json")
    with pytest.raises(ApiBadResponse):
        client.annual_accounts("90009992")


def test_kvk_error_body_is_read(server, client):
    server.push(
        Reply(500, {"fout": [{"code": "IPD1003", "omschrijving": "Even geduld."}]}),
        Reply(500, {"fout": [{"code": "IPD1003", "omschrijving": "Even geduld."}]}),
        Reply(500, {"fout": [{"code": "IPD1003", "omschrijving": "Even geduld."}]}),
        Reply(500, {"fout": [{"code": "IPD1003", "omschrijving": "Even geduld."}]}),
    )
    with pytest.raises(ApiUnavailable) as info:
        client.annual_accounts("90009992")
    assert info.value.code == "IPD1003" and "Even geduld" in str(info.value)


def test_download_documents(server, client):
    (xbrl, pdf, _none) = client.annual_accounts("90009992").accounts
    document = client.download(xbrl.document_url)
    expected = load_fixture("constructed_200_jaarrekeningen_document_90009992-2024")
    assert document.content == expected["raw_body"].encode()
    assert document.document_type == "xbrl"
    assert document.filename == "90009992-2024.xbrl"
    assert document.content_type == "application/xml"
    assert document.url == server.url + xbrl.document_url

    document = client.download(pdf.document_url)
    assert document.content.startswith(b"%PDF-1.4")
    assert document.document_type == "pdf"
    assert document.filename == "publicatiestukken 2023.pdf"  # Content-Disposition


def test_binary_document_keeps_its_bytes(server, client):
    content = b"%PDF-1.7\n\x00\xff\xfe binary"
    server.push(Reply(200, raw=content, content_type="application/pdf"))
    document = client.download("/api/v1/hvds/jaarrekeningen/documenten/x")
    assert document.content == content and document.filename == "x.pdf"


def test_download_failures(server, client, monkeypatch):
    with pytest.raises(ApiNotFound):
        client.download("/api/v1/hvds/jaarrekeningen/documenten/unknown.pdf")
    server.push(Reply(200, raw=b""))
    with pytest.raises(ApiBadResponse, match="empty"):
        client.download("/doc.pdf")
    monkeypatch.setattr(annual, "MAX_DOCUMENT_BYTES", 10)
    server.push(Reply(200, raw=b"%PDF-1.4 more than ten bytes"))
    with pytest.raises(ApiBadResponse, match="larger than"):
        client.download("/doc.pdf")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "file:///etc/passwd",
        "ftp://opendata.kvk.nl/x.pdf",
        "https://example.com/x.pdf",
        "http://www.kvk.nl/x.pdf",  # a KvK host, but without TLS
        "https://evilkvk.nl/x.pdf",
    ],
)
def test_documents_only_from_kvk_hosts(server, client, url):
    with pytest.raises(ValueError):
        client.download(url)
    assert server.requests == []


def test_document_hosts():
    client = KvkOpenDataClient()
    assert client.base_url == "https://opendata.kvk.nl"
    assert client.document_url("/a.pdf") == "https://opendata.kvk.nl/a.pdf"
    assert client.document_url("https://www.kvk.nl/a.pdf").startswith("https://www.")
    assert isinstance(client, http_client.HttpClient)
    assert annual.ApiError is ApiError  # the shared exception classes
