"""The shared HTTP client base, tested over real TCP against ``fakes.FakeServer``."""

import logging
import random
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate

import pytest
import requests
from fakes import FakeServer, Reply

from in2dmm_credit.tools.http_client import (
    REDACTED,
    ApiAuthError,
    ApiBadResponse,
    ApiError,
    ApiNotFound,
    ApiRateLimited,
    ApiTimeout,
    ApiUnavailable,
    HttpClient,
    backoff_delay,
    parse_retry_after,
    redact,
    redact_headers,
    redact_url,
)

SECRET = "sk-live-4f9a1c2e8b7d6a5f"


class KeyClient(HttpClient):
    service_name = "Insurer"
    api_key_header = "X-Api-Key"
    temporarily_unavailable_codes = frozenset({"BUSY"})


class TokenClient(HttpClient):
    service_name = "Insurer"
    uses_bearer_token = True

    def __init__(self, *args, client_secret, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_secret = client_secret
        self.add_secret(client_secret)
        self.fetches = 0

    def _fetch_token(self):
        self.fetches += 1
        data = self.post(
            "oauth/token",
            data={"grant_type": "client_credentials", "secret": self.client_secret},
            authenticate=False,
            idempotent=True,
        )
        return data["access_token"], data.get("expires_in")


@pytest.fixture
def server():
    with FakeServer(route=lambda req: Reply(200, {"ok": True})) as fake:
        yield fake


@pytest.fixture
def sleeps():
    return []


def make_client(server, sleeps, cls=KeyClient, **kwargs):
    kwargs.setdefault("api_key", SECRET)
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("timeout", (2.0, 5.0))
    return cls(server.url, sleep=sleeps.append, rng=random.Random(7), **kwargs)


# ---------------------------------------------------------------- helpers --


def test_parse_retry_after_seconds():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0


def test_parse_retry_after_http_date():
    now = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
    value = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(value, now=now) == 90.0
    past = format_datetime(now - timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "Thu, 99 Foo 2025"])
def test_parse_retry_after_unreadable(value):
    assert parse_retry_after(value) is None


class _Edge:
    def __init__(self, high):
        self.high = high

    def uniform(self, low, high):
        return high if self.high else low


def test_backoff_is_exponential_with_bounded_jitter():
    highs = [backoff_delay(n, 0.5, 30.0, _Edge(True)) for n in range(8)]
    lows = [backoff_delay(n, 0.5, 30.0, _Edge(False)) for n in range(8)]
    assert highs[:4] == [0.5, 1.0, 2.0, 4.0]
    assert lows[:4] == [0.25, 0.5, 1.0, 2.0]
    assert highs[-1] == 30.0 and lows[-1] == 15.0  # capped at max_backoff
    rng = random.Random(1)
    for attempt in range(6):
        ceiling = min(30.0, 0.5 * 2**attempt)
        assert ceiling / 2 <= backoff_delay(attempt, 0.5, 30.0, rng) <= ceiling


def test_redaction_helpers():
    assert redact("key=%s!" % SECRET, [SECRET]) == "key=***!"
    assert redact("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer ***"
    assert redact("short abc", ["abc"]) == "short abc"  # too short to mask
    headers = redact_headers(
        {"Authorization": "Bearer x", "apikey": SECRET, "Accept": "a/b"}
    )
    assert headers == {"Authorization": REDACTED, "apikey": REDACTED, "Accept": "a/b"}
    url = redact_url("https://u:pw@h/p?naam=x&api_key=%s&access_token=t" % SECRET)
    assert SECRET not in url and "pw" not in url
    assert "naam=x" in url and "access_token=***" in url


# ------------------------------------------------------------- over TCP --


def test_get_sends_key_header_and_parses_json(server, sleeps):
    client = make_client(server, sleeps)
    assert client.get("things/1", params={"q": "a b"}) == {"ok": True}
    request = server.requests[0]
    assert request.path == "/things/1" and request.params == {"q": "a b"}
    assert request.header("X-Api-Key") == SECRET
    assert request.header("User-Agent").startswith("in2dmm")
    assert sleeps == []


def test_missing_api_key_raises_before_sending(server, sleeps):
    client = make_client(server, sleeps, api_key=None)
    with pytest.raises(ApiAuthError):
        client.get("things")
    assert server.requests == []


def test_429_honours_retry_after_seconds(server, sleeps):
    server.push(Reply(429, headers={"Retry-After": "2"}))
    client = make_client(server, sleeps)
    assert client.get("x") == {"ok": True}
    assert sleeps == [2.0]
    assert len(server.requests) == 2


def test_429_honours_retry_after_http_date(server, sleeps):
    server.push(
        Reply(429, headers={"Retry-After": formatdate(time.time() + 20, usegmt=True)})
    )
    client = make_client(server, sleeps)
    client.get("x")
    assert len(sleeps) == 1 and 15 < sleeps[0] <= 20


def test_429_with_too_long_retry_after_is_raised_at_once(server, sleeps):
    server.push(Reply(429, headers={"Retry-After": "3600"}))
    client = make_client(server, sleeps, max_retry_after=60)
    with pytest.raises(ApiRateLimited) as info:
        client.get("x")
    assert info.value.retry_after == 3600.0 and info.value.retryable
    assert sleeps == [] and len(server.requests) == 1


def test_429_gives_up_after_max_retries(server, sleeps):
    server.push(*[Reply(429) for _ in range(5)])
    client = make_client(server, sleeps, max_retries=3)
    with pytest.raises(ApiRateLimited) as info:
        client.get("x")
    assert info.value.status == 429
    assert len(sleeps) == 3 and len(server.requests) == 4


def test_gateway_errors_are_retried_with_growing_backoff(server, sleeps):
    server.push(Reply(503), Reply(502), Reply(504))
    client = make_client(server, sleeps, backoff_factor=1.0)
    assert client.get("x") == {"ok": True}
    assert len(sleeps) == 3 and len(server.requests) == 4
    for attempt, delay in enumerate(sleeps):
        assert 2**attempt / 2 <= delay <= 2**attempt


def test_503_exhausted_is_unavailable(server, sleeps):
    server.push(
        *[Reply(503, raw="<html><h1>Down</h1></html>", content_type="text/html")] * 3
    )
    client = make_client(server, sleeps, max_retries=2)
    with pytest.raises(ApiUnavailable) as info:
        client.get("x")
    assert info.value.retryable and info.value.status == 503
    assert "<html>" not in str(info.value)
    assert len(sleeps) == 2


def test_500_is_not_retried(server, sleeps):
    server.push(Reply(500, {"message": "boom"}))
    client = make_client(server, sleeps)
    with pytest.raises(ApiError) as info:
        client.get("x")
    assert type(info.value) is ApiError
    assert not info.value.retryable and info.value.status == 500
    assert "boom" in str(info.value)
    assert sleeps == [] and len(server.requests) == 1


def test_provider_temporarily_unavailable_code_is_retried(server, sleeps):
    server.push(Reply(400, {"code": "BUSY", "message": "try later"}))
    client = make_client(server, sleeps)
    assert client.get("x") == {"ok": True}
    assert len(sleeps) == 1


def test_provider_code_exhausted_raises_unavailable(server, sleeps):
    server.push(*[Reply(400, {"code": "BUSY", "message": "try later"})] * 2)
    client = make_client(server, sleeps, max_retries=1)
    with pytest.raises(ApiUnavailable) as info:
        client.get("x")
    assert info.value.code == "BUSY" and info.value.retryable


@pytest.mark.parametrize(
    "status, body, cls, code, text",
    [
        (401, {"message": "bad key"}, ApiAuthError, None, "bad key"),
        (403, {"error": "forbidden"}, ApiAuthError, "forbidden", "not authorised"),
        (
            404,
            {"detail": "No such debtor", "title": "x"},
            ApiNotFound,
            None,
            "No such debtor",
        ),
        (
            400,
            {"error": {"code": "E12", "message": "Bad field"}},
            ApiError,
            "E12",
            "Bad field",
        ),
        (
            422,
            {"errors": [{"code": "V1", "message": "Amount too high"}]},
            ApiError,
            "V1",
            "Amount too high",
        ),
    ],
)
def test_error_mapping(server, sleeps, status, body, cls, code, text):
    server.push(Reply(status, body))
    client = make_client(server, sleeps)
    with pytest.raises(cls) as info:
        client.get("x")
    error = info.value
    assert error.status == status and error.code == code
    assert text in str(error) and not error.retryable
    assert sleeps == []


def test_malformed_json_is_bad_response(server, sleeps):
    server.push(Reply(200, raw='{"a": [1, 2'))
    client = make_client(server, sleeps)
    with pytest.raises(ApiBadResponse):
        client.get("x")
    assert sleeps == []


def test_empty_answer_gives_none(server, sleeps):
    server.push(Reply(204, raw=b""))
    assert make_client(server, sleeps).get("x") is None


def test_post_is_not_repeated_after_a_gateway_error(server, sleeps):
    server.push(Reply(502))
    client = make_client(server, sleeps)
    with pytest.raises(ApiUnavailable):
        client.post("limits", json={"amount": 1000})
    assert len(server.requests) == 1 and sleeps == []


def test_post_is_repeated_after_503_or_when_declared_idempotent(server, sleeps):
    server.push(Reply(503), path="/limits")
    server.push(Reply(502), path="/search")
    client = make_client(server, sleeps)
    assert client.post("limits", json={"amount": 1}) == {
        "ok": True
    }  # 503: not processed
    assert client.post("search", json={}, idempotent=True) == {"ok": True}
    assert len(sleeps) == 2 and len(server.requests) == 4


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_retried_then_unavailable(sleeps):
    client = KeyClient(
        "http://127.0.0.1:%d" % _closed_port(),
        api_key=SECRET,
        max_retries=2,
        sleep=sleeps.append,
    )
    with pytest.raises(ApiUnavailable) as info:
        client.post("limits", json={})  # never connected: safe even for POST
    assert info.value.status is None and info.value.retryable
    assert len(sleeps) == 2


def test_slow_answer_times_out(server, sleeps):
    server.push(*[Reply(200, {"late": True}, delay=5.0)] * 2)
    client = make_client(server, sleeps, timeout=(1.0, 0.2), max_retries=1)
    with pytest.raises(ApiTimeout) as info:
        client.get("slow")
    assert isinstance(info.value, ApiUnavailable) and info.value.retryable
    assert len(sleeps) == 1 and len(server.requests) == 2


def test_slow_answer_to_post_is_not_repeated(server, sleeps):
    server.push(Reply(200, {"late": True}, delay=5.0))
    client = make_client(server, sleeps, timeout=(1.0, 0.2))
    with pytest.raises(ApiTimeout):
        client.post("limits", json={})
    assert sleeps == [] and len(server.requests) == 1


def test_warning_header_is_logged_once(server, sleeps, caplog):
    warning = '299 - "Deze versie van de API is verouderd"'
    server.push(*[Reply(200, {}, headers={"Warning": warning})] * 2)
    client = make_client(server, sleeps)
    with caplog.at_level(logging.WARNING):
        client.get("x")
        client.get("x")
    assert [r.getMessage() for r in caplog.records].count(
        "Insurer: the service warns: %s" % warning
    ) == 1


def test_absolute_url_and_context_manager(server, sleeps):
    with make_client(server, sleeps) as client:
        assert client.get(server.url + "/elsewhere") == {"ok": True}
    assert server.requests[0].path == "/elsewhere"


def test_bad_timeout_is_refused():
    with pytest.raises(ValueError):
        KeyClient("http://x", timeout=(0, 1))


# ------------------------------------------------------------ bearer token --


class TokenRoute:
    """Issues tok-1, tok-2, ...; /data accepts only the tokens in ``valid``."""

    def __init__(self, valid=None, expires_in=3600):
        self.issued = 0
        self.valid = valid
        self.expires_in = expires_in

    def __call__(self, req):
        if req.path == "/oauth/token":
            self.issued += 1
            return Reply(
                200,
                {
                    "access_token": "tok-%d-abcdef" % self.issued,
                    "expires_in": self.expires_in,
                },
            )
        auth = req.header("Authorization") or ""
        token = auth.removeprefix("Bearer ")
        if self.valid is not None and token not in self.valid:
            return Reply(401, {"message": "invalid token %s" % token})
        return Reply(200, {"token": token})


def token_client(route, sleeps, clock=None):
    server = FakeServer(route=route).start()
    client = TokenClient(
        server.url,
        client_secret="client-secret-9876",
        sleep=sleeps.append,
        clock=clock or time.monotonic,
    )
    return server, client


def test_bearer_token_is_fetched_once_and_reused(sleeps):
    server, client = token_client(TokenRoute(), sleeps)
    try:
        assert client.get("data") == {"token": "tok-1-abcdef"}
        assert client.get("data") == {"token": "tok-1-abcdef"}
        assert client.fetches == 1
        assert server.requests[0].path == "/oauth/token"
        assert server.requests[0].header("Authorization") is None
    finally:
        server.stop()


def test_bearer_token_is_renewed_once_on_401(sleeps):
    server, client = token_client(TokenRoute(valid={"tok-2-abcdef"}), sleeps)
    try:
        assert client.get("data") == {"token": "tok-2-abcdef"}
        assert client.fetches == 2
        assert [r.path for r in server.requests] == [
            "/oauth/token",
            "/data",
            "/oauth/token",
            "/data",
        ]
        assert sleeps == []
    finally:
        server.stop()


def test_bearer_token_refused_twice_is_auth_error(sleeps):
    server, client = token_client(TokenRoute(valid=set()), sleeps)
    try:
        with pytest.raises(ApiAuthError) as info:
            client.get("data")
        assert info.value.status == 401
        assert client.fetches == 2
        assert "tok-" not in str(info.value)  # the token is redacted
    finally:
        server.stop()


def test_bearer_token_is_renewed_before_it_expires(sleeps):
    now = [0.0]
    server, client = token_client(
        TokenRoute(expires_in=100), sleeps, clock=lambda: now[0]
    )
    try:
        client.get("data")
        now[0] = 60.0
        client.get("data")
        assert client.fetches == 1
        now[0] = 71.0  # past 100 s minus the 30 s margin
        assert client.get("data") == {"token": "tok-2-abcdef"}
        assert client.fetches == 2
    finally:
        server.stop()


def test_token_endpoint_failure_is_auth_error(sleeps):
    def route(req):
        return Reply(400, {"error": "invalid_client"})

    server, client = token_client(route, sleeps)
    try:
        with pytest.raises(ApiAuthError) as info:
            client.get("data")
        assert "access token" in str(info.value)
    finally:
        server.stop()


# ------------------------------------------------------------ no secrets --


def test_no_secret_in_debug_logs_or_errors(caplog, sleeps):
    """Key, token and client secret never reach the logs, even when the server
    echoes them back and the caller puts one in a query parameter."""

    def route(req):
        if req.path == "/oauth/token":
            return Reply(200, {"access_token": "tok-SECRET-777777", "expires_in": 60})
        echoed = " ".join(
            filter(None, [req.header("x-api-key"), req.header("authorization")])
        )
        return Reply(400, {"message": "rejected credentials %s" % echoed})

    errors = []
    with caplog.at_level(logging.DEBUG):
        with FakeServer(route=route) as server:
            key_client = KeyClient(server.url, api_key=SECRET, sleep=sleeps.append)
            with pytest.raises(ApiError) as info:
                key_client.get("data", params={"api_key": SECRET, "naam": "x"})
            errors.append(str(info.value))
            token = TokenClient(
                server.url, client_secret="client-secret-9876", sleep=sleeps.append
            )
            with pytest.raises(ApiError) as info:
                token.get("data")
            errors.append(str(info.value))
            errors.append(repr(key_client) + repr(token))
    text = caplog.text + "\n".join(errors)
    assert "rejected credentials" in text  # the messages are there...
    assert SECRET not in text  # ...without the secrets
    assert "tok-SECRET-777777" not in text
    assert "client-secret-9876" not in text
    assert any(r.levelno == logging.DEBUG for r in caplog.records)


def test_session_is_reused(server, sleeps):
    client = make_client(server, sleeps)
    assert isinstance(client.session, requests.Session)
    session = client.session
    client.get("a")
    client.get("b")
    assert client.session is session


def test_no_secret_in_logs_when_the_connection_fails(caplog, sleeps):
    client = KeyClient(
        "http://127.0.0.1:%d" % _closed_port(),
        api_key=SECRET,
        max_retries=1,
        sleep=sleeps.append,
    )
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(ApiUnavailable) as info:
            client.get("data", params={"token": SECRET})
    assert "failed" in caplog.text and "ConnectionError" in caplog.text
    assert SECRET not in caplog.text and SECRET not in str(info.value)
    assert info.value.__suppress_context__
