"""A small scriptable HTTP server for the pytest tier.

``FakeServer`` runs a ``ThreadingHTTPServer`` on 127.0.0.1, port 0 (a free port
chosen by the OS), in a daemon thread. Requests are answered by, in order:

1. the replies queued with :meth:`FakeServer.push` (optionally only for one
   path), one reply per request;
2. the ``route`` callable given to the constructor (or overridden).

Every request is recorded in ``server.requests``. A reply can be slow
(``delay``): the handler waits on the server's stop event, so stopping the
server ends a slow answer at once. Use it as a context manager (or call
``stop()``) so it stops at the end of each test.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: object = None
    raw: bytes | str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"

    def payload(self):
        if self.raw is not None:
            return self.raw.encode() if isinstance(self.raw, str) else self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


@dataclass
class Recorded:
    method: str
    path: str
    query: list
    headers: dict
    body: bytes = b""

    @property
    def params(self):
        return dict(self.query)

    def header(self, name):
        return self.headers.get(name.lower())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):  # keep the test output quiet
        pass

    def _handle(self):
        fake = self.server.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        fake.requests.append(recorded)
        reply = fake.reply_for(recorded)
        if reply.delay and fake.stopping.wait(reply.delay):
            return  # the server is stopping: drop the slow answer
        payload = reply.payload()
        try:
            self.send_response(reply.status)
            headers = {"Content-Type": reply.content_type}
            headers.update(reply.headers)
            for name, value in headers.items():
                values = value if isinstance(value, list | tuple) else [value]
                for item in values:
                    self.send_header(name, str(item))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class FakeServer:
    def __init__(self, route=None):
        self._route = route
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._queue = deque()
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None

    # -------------------------------------------------------------- control --

    def start(self):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-http-%d" % self.port,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        return self._httpd.server_address[1]

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    # ------------------------------------------------------------ scripting --

    def push(self, *replies, path=None):
        """Queue replies for the next requests (to ``path`` only, if given)."""
        with self._lock:
            for reply in replies:
                self._queue.append((path, reply))

    def reply_for(self, recorded):
        with self._lock:
            for index, (path, reply) in enumerate(self._queue):
                if path is None or path == recorded.path:
                    del self._queue[index]
                    return reply
        return self.route(recorded)

    def route(self, recorded):
        if self._route is not None:
            return self._route(recorded)
        return Reply(404, {"error": "no route for %s" % recorded.path})

    @property
    def pending(self):
        return len(self._queue)
