"""The KvK client against the fake KvK server (real TCP on 127.0.0.1)."""

import logging

import pytest
from fake_kvk import API_KEY, FakeKvk
from fakes import Reply

from in2dmm_credit.tools.http_client import (
    ApiAuthError,
    ApiBadResponse,
    ApiError,
    ApiNotFound,
    ApiRateLimited,
    ApiTimeout,
    ApiUnavailable,
)
from in2dmm_kvk.tools import kvk_client as kvk_client_module
from in2dmm_kvk.tools.kvk_client import (
    BASE_URLS,
    TEST_API_KEY,
    KvkClient,
    build_search_params,
)
from in2dmm_kvk.tools.kvk_numbers import InvalidNumber
from in2dmm_kvk.tools.kvk_parse import CompanyProfile, Establishment, SearchPage


@pytest.fixture
def kvk():
    with FakeKvk() as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(kvk, sleeps):
    return KvkClient(
        API_KEY, base_url=kvk.base_url, sleep=sleeps.append, timeout=(2.0, 5.0)
    )


def test_same_exception_classes_as_the_shared_base():
    assert kvk_client_module.ApiError is ApiError
    assert issubclass(KvkClient, kvk_client_module.http_client.HttpClient)


# ------------------------------------------------------------ configuration --


def test_environments():
    test = KvkClient()
    assert test.base_url == BASE_URLS["test"] == "https://api.kvk.nl/test/api"
    assert test.api_key == TEST_API_KEY
    production = KvkClient("my-key", environment="production")
    assert production.base_url == "https://api.kvk.nl/api"
    with pytest.raises(ValueError, match="API key is required"):
        KvkClient(environment="production")
    with pytest.raises(ValueError, match="environment"):
        KvkClient("k", environment="staging")
    assert "my-key" not in repr(production)


# ------------------------------------------------------------------ search --


def test_search_by_kvk_number(kvk, client):
    page = client.search(kvkNummer="6959 9084")
    assert isinstance(page, SearchPage) and page.total == 2
    assert {r.vestigingsnummer for r in page} == {"000038509504", "000038509520"}
    assert all(r.active for r in page)  # only active ones unless asked
    (request,) = kvk.requests
    assert request.path == "/test/api/v2/zoeken"
    assert request.query == [("kvkNummer", "69599084")]
    assert request.header("apikey") == API_KEY


def test_search_by_rsin_and_vestigingsnummer(client):
    assert client.search(rsin="992760562").results[0].kvk_number == "90001354"
    page = client.search(vestigingsnummer="990000541921")
    assert page.results[0].name == "Grand Joyflex B.V."
    assert page.results[0].address.type == "postadres"


@pytest.mark.parametrize(
    "criteria",
    [
        {"kvkNummer": "12345678"},
        {"kvkNummer": "90004333"},
        {"rsin": "123456782"},
        {"vestigingsnummer": "665544332211"},
    ],
)
def test_search_without_results_is_empty(client, criteria):
    """The KvK answers 404 with IPD5200 (recorded); that is an empty page."""
    page = client.search(**criteria)
    assert page.results == () and page.total == 0 and not page


def test_search_page_past_the_end_is_empty(kvk, client):
    page = client.search(
        naam="Grenswerk", inclusiefInactieveRegistraties=True, pagina=5
    )
    assert page.results == () and page.page == 5 and page.has_previous
    assert sorted(kvk.requests[0].query) == [
        ("inclusiefInactieveRegistraties", "true"),
        ("naam", "Grenswerk"),
        ("pagina", "5"),
    ]


def test_search_including_inactive(client):
    page = client.search(naam="  Grenswerk ", inclusiefInactieveRegistraties=True)
    assert [r.active for r in page] == [True, True, False]
    assert page.results[0].country_code == "DE"


def test_search_params_and_validation():
    assert build_search_params(
        postcode="1034 wl",
        huisnummer="17",
        huisletter="m",
        type=["hoofdvestiging", "rechtspersoon"],
    ) == [
        ("postcode", "1034WL"),
        ("huisnummer", 17),
        ("huisletter", "M"),
        ("type", "hoofdvestiging"),
        ("type", "rechtspersoon"),
    ]
    assert build_search_params(
        postcode="6501BL", postbusnummer=1234, resultatenPerPagina=100
    ) == [
        ("postcode", "6501BL"),
        ("postbusnummer", 1234),
        ("resultatenPerPagina", 100),
    ]
    assert build_search_params(naam="x", plaats="", rsin=None) == [("naam", "x")]


@pytest.mark.parametrize(
    "criteria, message",
    [
        ({}, "at least one"),
        ({"pagina": 2}, "at least one"),
        ({"name": "x"}, "Unknown KvK search criterion: name"),
        ({"kvkNummer": "1234567"}, "8 digits"),
        ({"rsin": "992340594"}, "11-proef"),
        ({"vestigingsnummer": "12345678"}, "12 digits"),
        ({"postcode": "1034WL"}, "together with a house number"),
        ({"naam": "x", "huisnummer": 17}, "together with a postcode"),
        ({"postcode": "1034WL", "huisnummer": 1, "postbusnummer": 2}, "not both"),
        ({"postcode": "1034WL", "huisnummer": 0}, "between 1 and 99999"),
        ({"postcode": "1034WL", "huisnummer": "17a"}, "whole number"),
        ({"postcode": "1034WL", "postbusnummer": 1, "huisletter": "A"}, "house letter"),
        ({"postcode": "1034WL", "huisnummer": 1, "huisletter": "AB"}, "one letter"),
        ({"postcode": "0034WL", "huisnummer": 1}, "postcode"),
        ({"naam": "x", "type": "filiaal"}, "type must be one of"),
        ({"naam": "x", "pagina": 1001}, "between 1 and 1000"),
        ({"naam": "x", "resultatenPerPagina": 0}, "between 1 and 100"),
        ({"naam": "x", "inclusiefInactieveRegistraties": "yes"}, "True or False"),
        ({"naam": "x" * 501}, "too long"),
    ],
)
def test_invalid_search_is_refused_before_sending(kvk, client, criteria, message):
    with pytest.raises(ValueError, match=message):
        client.search(**criteria)
    assert kvk.requests == []


# ---------------------------------------------------------------- profiles --


def test_basisprofiel(kvk, client):
    profile = client.basisprofiel("69599084")
    assert isinstance(profile, CompanyProfile)
    assert profile.legal_form == "Eenmanszaak"
    assert profile.visiting_address.zip == "1034 WL"
    assert kvk.requests[0].path == "/test/api/v1/basisprofielen/69599084"
    assert kvk.requests[0].query == []


def test_basisprofiel_with_geo_data_asks_for_it(kvk, client):
    kvk.push_fixture("200_basisprofielen_69599084")  # no recorded geo answer
    assert client.basisprofiel("69599084", geo=True).kvk_number == "69599084"
    assert kvk.requests[0].query == [("geoData", "true")]


def test_basisprofiel_not_found(client):
    with pytest.raises(ApiNotFound) as info:
        client.basisprofiel("12345678")
    error = info.value
    assert error.status == 404 and error.code == "IPD0005"
    assert "cannot deliver this product" in str(error)
    assert "kan het product niet worden geleverd" in str(error)  # the KvK's own text


def test_basisprofiel_refuses_a_bad_number(kvk, client):
    with pytest.raises(InvalidNumber):
        client.basisprofiel("1234")
    assert kvk.requests == []


def test_vestigingen(client):
    branches = client.vestigingen("69599084")
    assert [b.is_main for b in branches] == [True, False]


def test_vestigingsprofiel(kvk, client):
    establishment = client.vestigingsprofiel("0000 3717 8598")
    assert isinstance(establishment, Establishment)
    assert establishment.postal_address.street_line == "Postbus 200"
    assert kvk.requests[0].path == "/test/api/v1/vestigingsprofielen/000037178598"


def test_vestigingsprofiel_recorded_400(client):
    """The recorded answer to an 8-digit number (which the client refuses
    itself), sent through the low-level request to check the error mapping."""
    with pytest.raises(ApiError) as info:
        client.get("v1/vestigingsprofielen/12345678")
    error = info.value
    assert type(error) is ApiError
    assert (error.status, error.code, error.retryable) == (400, "IPD0006", False)
    assert "establishment number" in str(error)


def test_naamgeving(kvk, client):
    naming = client.naamgeving("69599084")
    assert naming.branches[0].vestigingsnummer == "000038509504"
    assert kvk.requests[0].path == "/test/api/v1/naamgevingen/kvknummer/69599084"


# ------------------------------------------------------------------ errors --


def test_wrong_api_key(kvk, sleeps):
    client = KvkClient("wrong-key-000", base_url=kvk.base_url, sleep=sleeps.append)
    with pytest.raises(ApiAuthError) as info:
        client.search(naam="test")
    assert info.value.status == 401
    assert "Geen of onjuiste apikey" in str(info.value)
    assert sleeps == []


def test_rate_limited_then_served(kvk, client, sleeps):
    kvk.push_fixture("constructed_429_rate-limited")
    assert client.search(kvkNummer="69599084").total == 2
    assert sleeps == [2.0]  # Retry-After of the fixture
    assert len(kvk.requests) == 2


def test_rate_limited_too_long(kvk, client, sleeps):
    kvk.push(Reply(429, headers={"Retry-After": "600"}))
    with pytest.raises(ApiRateLimited) as info:
        client.basisprofiel("69599084")
    assert info.value.retry_after == 600.0 and sleeps == []


def test_503_html_then_served(kvk, client, sleeps):
    kvk.push_fixture("constructed_503_gateway-html", times=2)
    assert client.basisprofiel("69599084").kvk_number == "69599084"
    assert len(sleeps) == 2


def test_temporarily_unavailable_code_is_retried(kvk, client, sleeps):
    kvk.push_fixture("constructed_500_tijdelijk-niet-beschikbaar")
    assert client.vestigingsprofiel("000038509504").is_main
    assert len(sleeps) == 1


def test_temporarily_unavailable_code_exhausted(kvk, sleeps):
    client = KvkClient(
        API_KEY, base_url=kvk.base_url, sleep=sleeps.append, max_retries=2
    )
    kvk.push_fixture("constructed_500_tijdelijk-niet-beschikbaar", times=3)
    with pytest.raises(ApiUnavailable) as info:
        client.search(naam="x")
    error = info.value
    assert error.code == "IPD1003" and error.retryable and error.status == 500
    assert "temporarily unavailable" in str(error)
    assert len(sleeps) == 2 and len(kvk.requests) == 3


def test_malformed_json(kvk, client):
    kvk.push_fixture("constructed_200_malformed-json")
    with pytest.raises(ApiBadResponse):
        client.search(kvkNummer="69599084")


def test_answer_of_the_wrong_shape(kvk, client):
    kvk.push(Reply(200, ["not", "an", "object"]))
    with pytest.raises(ApiBadResponse, match="not a JSON object"):
        client.basisprofiel("69599084")


def test_slow_answer_times_out(kvk, sleeps):
    client = KvkClient(
        API_KEY,
        base_url=kvk.base_url,
        sleep=sleeps.append,
        timeout=(1.0, 0.2),
        max_retries=1,
    )
    kvk.push(*[Reply(200, {}, delay=5.0)] * 2)
    with pytest.raises(ApiTimeout):
        client.basisprofiel("69599084")
    assert len(sleeps) == 1 and len(kvk.requests) == 2


def test_api_key_never_logged(kvk, client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.search(kvkNummer="69599084")
        kvk.push_fixture("constructed_500_tijdelijk-niet-beschikbaar")
        client.basisprofiel("69599084")
        with pytest.raises(ApiNotFound) as info:
            client.basisprofiel("12345678")
    assert "apikey" in caplog.text  # the header name is logged, masked
    assert API_KEY not in caplog.text
    assert API_KEY not in str(info.value)
