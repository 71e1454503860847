"""A scriptable stand-in for a provider's API on 127.0.0.1, for the Odoo tests.

Routes map ``(method, path)`` to a list of answers ``(status, body)``; each
request takes the next answer, the last one repeats. Requests are recorded
with their JSON body.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass

    def _handle(self):
        fake = self.server.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        fake.calls.append(
            (self.command, parts.path, dict(parse_qsl(parts.query)), body)
        )
        status, answer = fake.answer(self.command, parts.path)
        payload = (
            answer.encode()
            if isinstance(answer, str)
            else json.dumps(answer).encode()
            if answer is not None
            else b""
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class FakeProvider:
    def __init__(self):
        self.routes = {}
        self.calls = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._httpd.server_address[1]

    def route(self, method, path, *answers):
        """Answers for ``method path``: (status, body) tuples, in order."""
        self.routes[(method, path)] = list(answers)

    def answer(self, method, path):
        with self._lock:
            answers = self.routes.get((method, path))
            if not answers:
                return 404, {"message": "no route %s %s" % (method, path)}
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def requests_to(self, method, path):
        return [c for c in self.calls if c[0] == method and c[1] == path]

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
