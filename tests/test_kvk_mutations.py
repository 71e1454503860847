"""KvK Mutatieservice: parsing and the client against the fake KvK server."""

from datetime import datetime

import pytest
from fake_kvk import API_KEY, FakeKvk

from in2dmm_kvk.tools.kvk_client import ApiBadResponse, KvkClient
from in2dmm_kvk.tools.kvk_mutations import (
    KvkParseError,
    parse_signal_page,
    parse_subscriptions,
)

SUBSCRIPTION = "3a1f5d2e-8c1b-4e0e-9f41-0d2f6c0a7b11"


@pytest.fixture
def client():
    with FakeKvk() as server:
        yield KvkClient(API_KEY, base_url=server.base_url, sleep=lambda s: None)


def test_subscriptions(client):
    subscriptions = client.subscriptions()
    assert [s.id for s in subscriptions if s.active] == [SUBSCRIPTION]
    assert subscriptions[0].contract_id == "c-778899"
    assert not subscriptions[1].active


def test_all_signals_over_two_pages(client):
    signals = list(
        client.all_mutation_signals(SUBSCRIPTION, datetime(2026, 12, 1), per_page=10)
    )
    assert [s.kvk_number for s in signals] == ["69599084", "90009993", "68750110"]
    assert [s.signal_type for s in signals] == [
        "GewijzigdeVestiging",
        "Beeindiging",
        "GewijzigdeInschrijving",
    ]
    assert [s.ends_registration for s in signals] == [False, True, False]
    # times become naive UTC; +01:00 is one hour earlier in UTC
    assert signals[2].timestamp == datetime(2026, 12, 3, 11, 30)
    assert signals[0].vestigingsnummer == "000038509504"


def test_page_size_is_checked(client):
    with pytest.raises(ValueError):
        client.mutation_signals(SUBSCRIPTION, datetime(2026, 12, 1), per_page=5)


def test_malformed_signals_are_a_clear_error():
    with pytest.raises(KvkParseError):
        parse_signal_page({"signalen": [{"timestamp": "2026-12-01T00:00:00Z"}]})
    with pytest.raises(KvkParseError):
        parse_signal_page(
            {"signalen": [{"kvknummer": "69599084", "timestamp": "yesterday"}]}
        )
    with pytest.raises(KvkParseError):
        parse_signal_page([])
    with pytest.raises(KvkParseError):
        parse_subscriptions("nope")


def test_bad_json_from_the_server_is_an_api_error():
    with FakeKvk() as server:
        server.push_fixture(
            "constructed_200_malformed-json",
            path="/test/api/v1/abonnementen",
        )
        client = KvkClient(API_KEY, base_url=server.base_url, sleep=lambda s: None)
        with pytest.raises(ApiBadResponse):
            client.subscriptions()


def test_short_numbers_are_padded_and_counts_default():
    page = parse_signal_page(
        {
            "signalen": [
                {
                    "id": "x",
                    "kvknummer": "1234567",
                    "timestamp": "2026-12-01T00:00:00",
                    "signaalType": "NieuweInschrijving",
                }
            ]
        }
    )
    assert page.signals[0].kvk_number == "01234567"
    assert (page.page, page.total, page.total_pages) == (1, 1, 1)
