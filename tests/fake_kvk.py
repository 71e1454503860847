"""A fake KvK API for the pytest tier, serving the fixtures in ``data/kvk``.

The server mimics the test host: paths start with ``/test/api`` (so a client
uses ``base_url=server.base_url``). It checks the ``apikey`` header (401 with
the ``fout`` body of ``constructed_401_unauthorized.json`` when it is missing
or wrong) and routes each request by path and query to the fixture whose
``request.uri`` matches (query order does not matter). A search without a
fixture answers like the KvK: 404 with code IPD5200; an unknown profile
answers 404 with code IPD0005.

Errors are scripted with :meth:`FakeKvk.push` / :meth:`FakeKvk.push_fixture`
(429 with Retry-After, 503, IPD1003, slow answers, malformed JSON).

    with FakeKvk() as kvk:
        client = KvkClient("key", base_url=kvk.base_url)

:class:`FakeKvkOpenData` is the open-data host (``opendata.kvk.nl``): no API
key, paths under ``/api/v1/hvds/``, an unknown KvK number answers 404.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from fakes import FakeServer, Reply

KVK_DATA = Path(__file__).resolve().parent.parent / "data" / "kvk"
API_KEY = "fake-kvk-key-0123456789"
PREFIX = "/test/api"
OPEN_DATA_PREFIX = "/api/v1/hvds/"


def load_fixture(name):
    """The envelope of ``data/kvk/<name>`` (``.json`` may be left out)."""
    if not name.endswith(".json"):
        name += ".json"
    return json.loads((KVK_DATA / name).read_text(encoding="utf-8"))


def load_body(name):
    """Just the body: the ``body`` of an envelope, or a bare body file."""
    data = load_fixture(name)
    if (
        isinstance(data, dict)
        and "status" in data
        and ("body" in data or "raw_body" in data)
    ):
        return data.get("body")
    return data


def reply_from_fixture(envelope, **overrides):
    headers = {}
    content_type = "application/json"
    for name, values in (envelope.get("headers") or {}).items():
        if name.lower() == "content-type":
            content_type = values[0] if isinstance(values, list) else values
        else:
            headers[name] = values
    kwargs = {
        "status": envelope.get("status", 200),
        "headers": headers,
        "content_type": content_type,
    }
    if "raw_body" in envelope:
        kwargs["raw"] = envelope["raw_body"]
    else:
        kwargs["body"] = envelope.get("body")
    kwargs.update(overrides)
    return Reply(**kwargs)


def _route_key(path, query_pairs):
    return path, tuple(sorted(query_pairs))


def _load_routes():
    """(path, sorted query) -> envelope of every fixture with a ``request``."""
    routes = {}
    for file in sorted(KVK_DATA.glob("*.json")):
        envelope = json.loads(file.read_text(encoding="utf-8"))
        request = envelope.get("request") if isinstance(envelope, dict) else None
        if not request:
            continue
        parts = urlsplit(request["uri"])
        key = _route_key(parts.path, parse_qsl(parts.query))
        if key in routes:
            raise ValueError("two KvK fixtures for %s: %s" % (key, file.name))
        routes[key] = envelope
    return routes


class _FixtureServer(FakeServer):
    def push_fixture(self, name, times=1, path=None, **overrides):
        envelope = load_fixture(name)
        for _ in range(times):
            self.push(reply_from_fixture(envelope, **overrides), path=path)


class FakeKvk(_FixtureServer):
    def __init__(self, api_key=API_KEY):
        super().__init__()
        self.api_key = api_key
        self.routes = _load_routes()
        self._unauthorized = load_fixture("constructed_401_unauthorized")

    @property
    def base_url(self):
        return self.url + PREFIX

    def route(self, recorded):
        if recorded.header("apikey") != self.api_key:
            return reply_from_fixture(self._unauthorized)
        envelope = self.routes.get(_route_key(recorded.path, recorded.query))
        if envelope is not None:
            return reply_from_fixture(envelope)
        if recorded.path == PREFIX + "/v2/zoeken":
            return Reply(
                404,
                {
                    "fout": [
                        {
                            "code": "IPD5200",
                            "omschrijving": "Er zijn geen gegevens gevonden die "
                            "voldoen aan de opgegeven zoekparameters.",
                        }
                    ]
                },
            )
        number = recorded.path.rstrip("/").rsplit("/", 1)[-1]
        return Reply(
            404,
            {
                "fout": [
                    {
                        "code": "IPD0005",
                        "omschrijving": "Op basis van het KVK-nummer %s kan het "
                        "product niet worden geleverd." % number,
                    }
                ]
            },
        )


class FakeKvkOpenData(_FixtureServer):
    """The KvK open-data host: fixtures under ``/api/v1/hvds/``, no API key."""

    def __init__(self):
        super().__init__()
        self.routes = {
            key: envelope
            for key, envelope in _load_routes().items()
            if key[0].startswith(OPEN_DATA_PREFIX)
        }

    @property
    def base_url(self):
        return self.url

    def route(self, recorded):
        envelope = self.routes.get(_route_key(recorded.path, recorded.query))
        if envelope is not None:
            return reply_from_fixture(envelope)
        return reply_from_fixture(
            load_fixture("constructed_404_jaarrekeningen_kvknummer_69599084")
        )
