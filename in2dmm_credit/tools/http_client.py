"""The one HTTP client base of the in2dmm suite (pure Python, no Odoo).

Shared by the KvK client (``in2dmm_kvk``) and every credit-insurer adapter
(``in2dmm_insurers``). A provider client subclasses :class:`HttpClient`, sets
its ``base_url``, ``service_name`` and authentication, and overrides a few hooks:

* :meth:`HttpClient._error_details` turns an error body into ``(code, message)``;
* ``temporarily_unavailable_codes`` (or :meth:`HttpClient._is_temporarily_unavailable`)
  lists the provider's own "try again later" error codes;
* :meth:`HttpClient._fetch_token` obtains a bearer token (OAuth2 client
  credentials and the like) as ``(token, expires_in_seconds)``.

Behaviour
---------
* One ``requests.Session`` per client (connection reuse); every request has a
  ``(connect, read)`` timeout.
* Retries with exponential back-off and jitter on 429, 502, 503, 504, on
  connection errors and timeouts, and on the provider's "temporarily
  unavailable" codes. ``Retry-After`` (seconds or an HTTP-date) is honoured; a
  wait longer than ``max_retry_after`` is not slept through but raised at once
  (:class:`ApiRateLimited` / :class:`ApiUnavailable` with ``retry_after``) so a
  cron can reschedule instead of blocking a worker.
* Requests that are not idempotent (POST, PATCH) are only repeated when the
  server cannot have processed them: 429, 503, a provider "temporarily
  unavailable" code, or a connection that was never established. Pass
  ``idempotent=True`` for a POST that is safe to repeat (a search, a request
  carrying an idempotency key).
* Authentication: an API key header (``api_key_header`` / ``api_key``) or a
  bearer token from ``_fetch_token()``, cached until shortly before it
  expires and fetched again once when the server answers 401.
* Errors are raised as :class:`ApiError` subclasses carrying ``status``,
  ``code``, ``message`` and ``retryable``; the message is in English and never
  contains a secret (the Odoo side translates by class and code).
* Logging goes through :mod:`logging`; the API key, the token, the
  ``Authorization`` header and secret-looking query parameters are replaced by
  ``***`` (:func:`redact`, :func:`redact_headers`, :func:`redact_url`).
* ``sleep``, ``clock`` and ``rng`` are injectable so tests never really wait.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)
"""(connect, read) timeout in seconds."""

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# statuses that mean "the request was not processed": safe to repeat any method
NOT_PROCESSED_STATUSES = frozenset({429, 503})

REDACTED = "***"
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "apikey",
        "api-key",
        "x-api-key",
        "x-apikey",
        "cookie",
        "set-cookie",
        "x-auth-token",
        "x-access-token",
    }
)
_SENSITIVE_PARAM_RE = re.compile(
    r"(api[-_]?key|token|secret|password|passwd|signature|auth|^key$|^code$)",
    re.IGNORECASE,
)
_BEARER_RE = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_MIN_SECRET_LENGTH = 4
_MAX_BODY_IN_MESSAGE = 300


# --------------------------------------------------------------- exceptions --


class ApiError(Exception):
    """An API call failed. ``message`` is a clear English sentence.

    ``status`` is the HTTP status (``None`` when no answer came), ``code`` the
    provider's error code when it sent one, ``retryable`` whether trying again
    later may succeed, ``retry_after`` the seconds the server asked to wait.
    """

    retryable_default = False

    def __init__(
        self,
        message,
        *,
        status=None,
        code=None,
        retryable=None,
        retry_after=None,
        service=None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retryable = self.retryable_default if retryable is None else retryable
        self.retry_after = retry_after
        self.service = service

    def __str__(self):
        extra = []
        if self.status is not None:
            extra.append("HTTP %s" % self.status)
        if self.code:
            extra.append("code %s" % self.code)
        if extra:
            return "%s (%s)" % (self.message, ", ".join(extra))
        return self.message


class ApiAuthError(ApiError):
    """401/403: the key or token is missing, wrong, expired or not authorised."""


class ApiNotFound(ApiError):
    """404: the requested object does not exist (or cannot be delivered)."""


class ApiRateLimited(ApiError):
    """429: too many requests; see ``retry_after``."""

    retryable_default = True


class ApiUnavailable(ApiError):
    """The service could not be reached or said it is temporarily unavailable."""

    retryable_default = True


class ApiTimeout(ApiUnavailable):
    """No (complete) answer within the timeout."""


class ApiBadResponse(ApiError):
    """The answer could not be read (malformed JSON, unexpected structure)."""


# ---------------------------------------------------------------- redaction --


def redact(text, secrets: Iterable[str] = ()):
    """Return ``text`` with every secret, and any bearer/basic credential,
    replaced by ``***``. Secrets shorter than 4 characters are ignored (masking
    them would garble ordinary text)."""
    if text is None:
        return text
    text = str(text)
    # longest first, so a secret containing another one is masked whole
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= _MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return _BEARER_RE.sub(lambda m: "%s %s" % (m.group(1), REDACTED), text)


def redact_headers(headers: Mapping | None, secrets: Iterable[str] = ()):
    """A copy of ``headers`` with credential headers masked (safe to log)."""
    secrets = tuple(secrets)
    result = {}
    for name, value in (headers or {}).items():
        if name.lower() in SENSITIVE_HEADERS:
            result[name] = REDACTED
        else:
            result[name] = redact(value, secrets)
    return result


def redact_url(url, secrets: Iterable[str] = ()):
    """``url`` with secret-looking query parameter values masked."""
    if not url:
        return url
    parts = urlsplit(str(url))
    if parts.query:
        query = [
            (k, REDACTED if _SENSITIVE_PARAM_RE.search(k) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        parts = parts._replace(query=urlencode(query, safe="*"))
    if parts.password:
        netloc = parts.netloc.replace(":%s@" % parts.password, ":%s@" % REDACTED)
        parts = parts._replace(netloc=netloc)
    return redact(urlunsplit(parts), secrets)


class _RedactingFilter(logging.Filter):
    """Masks secrets in the records of the libraries under ``requests``:
    urllib3 logs every request line (path and query) at DEBUG, outside our
    control. Secret-looking query parameters are masked by name, and the
    secrets of every live client by value."""

    _param_re = re.compile(
        r"(?i)([?&][^=&\s\"]*(?:api[-_]?key|token|secret|password|passwd|"
        r"signature|auth)[^=&\s\"]*=)[^&\s\"]*"
    )

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # never break logging
            return True
        secrets = set()
        for client in _live_clients():
            secrets |= client._secrets()
        cleaned = redact(self._param_re.sub(r"\1" + REDACTED, message), secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_LIVE_CLIENTS = weakref.WeakSet()


def _live_clients():
    for _attempt in range(3):
        try:
            return list(_LIVE_CLIENTS)
        except RuntimeError:  # another thread created a client meanwhile
            continue
    return []


_REDACTING_FILTER = _RedactingFilter()
for _name in (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.util.retry",
):
    _library_logger = logging.getLogger(_name)
    if _REDACTING_FILTER not in _library_logger.filters:
        _library_logger.addFilter(_REDACTING_FILTER)


# -------------------------------------------------------------- retry maths --


def parse_retry_after(value, now: datetime | None = None):
    """Seconds to wait from a ``Retry-After`` header value, or ``None``.

    Accepts delay-seconds (``"120"``, also ``"1.5"``) or an HTTP-date
    (``"Wed, 21 Oct 2015 07:28:00 GMT"``). A date in the past gives 0.
    """
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):
            return None
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt, factor=0.5, maximum=30.0, rng=None):
    """Delay before retry number ``attempt`` (0-based): exponential with
    "equal jitter", i.e. uniformly between half and all of
    ``min(maximum, factor * 2**attempt)``."""
    ceiling = min(float(maximum), float(factor) * (2**attempt))
    rng = rng or random
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


# ------------------------------------------------------------------- client --


@dataclass
class ApiResponse:
    """A successful answer: ``data`` is the parsed JSON (``None`` if empty)."""

    status: int
    headers: Mapping[str, str]
    data: object
    url: str = ""
    text: str = field(default="", repr=False)


class HttpClient:
    """Base class of the provider clients; see the module docstring."""

    service_name = "API"
    base_url = ""
    user_agent = "in2dmm (Odoo 19)"
    accept = "application/json"

    #: header that carries ``api_key``; ``None`` for no API-key authentication
    api_key_header: str | None = None
    #: ``True`` in subclasses that implement :meth:`_fetch_token`
    uses_bearer_token = False
    #: seconds before the announced expiry at which a token is renewed
    token_refresh_margin = 30.0

    retry_statuses = RETRY_STATUSES
    #: provider error codes meaning "temporarily unavailable, try again"
    temporarily_unavailable_codes: frozenset = frozenset()

    def __init__(
        self,
        base_url=None,
        *,
        api_key=None,
        timeout=DEFAULT_TIMEOUT,
        max_retries=3,
        backoff_factor=0.5,
        max_backoff=30.0,
        max_retry_after=60.0,
        session=None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng=None,
        verify=True,
        headers: Mapping[str, str] | None = None,
        logger=None,
    ):
        self.base_url = (base_url or self.base_url or "").rstrip("/")
        self.api_key = api_key
        self.timeout = _check_timeout(timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff_factor = backoff_factor
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.verify = verify
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.logger = logger or _logger
        self.extra_headers = dict(headers or {})
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self._token = None
        self._token_expires_at = None
        self._token_lock = threading.Lock()
        self._extra_secrets = set()
        self._warned = set()
        _LIVE_CLIENTS.add(self)

    # ------------------------------------------------------------ lifecycle --

    def close(self):
        if self._own_session:
            self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        # never show the key or token
        return "<%s %s>" % (type(self).__name__, self.base_url)

    # -------------------------------------------------------------- secrets --

    def add_secret(self, value):
        """Register one more value that must never appear in logs or errors
        (a client secret, a password sent to the token endpoint, ...)."""
        if value:
            self._extra_secrets.add(str(value))

    def _secrets(self):
        secrets = set(self._extra_secrets)
        if self.api_key:
            secrets.add(str(self.api_key))
        if self._token:
            secrets.add(str(self._token))
        return secrets

    def redact(self, text):
        return redact(text, self._secrets())

    def _scrub(self, text):
        """Like :meth:`redact`, also masking secret-looking query parameters."""
        return self.redact(_RedactingFilter._param_re.sub(r"\1" + REDACTED, text))

    # ----------------------------------------------------------------- auth --

    def _fetch_token(self):
        """Return ``(access_token, expires_in_seconds or None)``.

        Subclasses using bearer tokens implement it (typically with
        ``self.request("POST", token_url, data=..., authenticate=False)``)."""
        raise NotImplementedError

    def invalidate_token(self):
        with self._token_lock:
            self._token = None
            self._token_expires_at = None

    def _get_token(self):
        with self._token_lock:
            now = self.clock()
            if self._token and (
                self._token_expires_at is None or now < self._token_expires_at
            ):
                return self._token
            self.logger.debug("%s: fetching an access token", self.service_name)
            try:
                token, expires_in = self._fetch_token()
            except ApiError as exc:
                if isinstance(exc, ApiAuthError | ApiUnavailable):
                    raise
                raise ApiAuthError(
                    "%s: could not obtain an access token: %s"
                    % (self.service_name, exc.message),
                    status=exc.status,
                    code=exc.code,
                    service=self.service_name,
                ) from exc
            if not token:
                raise ApiAuthError(
                    "%s: the token endpoint returned no access token."
                    % self.service_name,
                    service=self.service_name,
                )
            self._token = str(token)
            if expires_in is None:
                self._token_expires_at = None
            else:
                margin = min(self.token_refresh_margin, float(expires_in) / 2)
                self._token_expires_at = now + float(expires_in) - margin
            return self._token

    def _auth_headers(self):
        if self.uses_bearer_token:
            return {"Authorization": "Bearer %s" % self._get_token()}
        if self.api_key_header:
            if not self.api_key:
                raise ApiAuthError(
                    "%s: no API key is configured." % self.service_name,
                    service=self.service_name,
                )
            return {self.api_key_header: str(self.api_key)}
        return {}

    # ---------------------------------------------------------------- hooks --

    def _error_details(self, response, payload):
        """Return ``(code, message)`` for an error answer.

        ``payload`` is the parsed JSON body or ``None``. The default reads the
        usual shapes (``message``, ``error_description``, ``detail``/``title``
        of RFC 7807, ``errors[]``); subclasses override it for their format.
        """
        code = None
        message = None
        if isinstance(payload, dict):
            for key in ("code", "errorCode", "error_code"):
                if isinstance(payload.get(key), str | int):
                    code = str(payload[key])
                    break
            error = payload.get("error")
            if isinstance(error, dict):
                code = code or _first_str(error, ("code", "type"))
                message = _first_str(error, ("message", "description"))
            elif isinstance(error, str):
                code = code or error
            message = message or _first_str(
                payload, ("message", "error_description", "detail", "title")
            )
            errors = payload.get("errors")
            if not message and isinstance(errors, list) and errors:
                first = errors[0]
                if isinstance(first, dict):
                    message = _first_str(first, ("message", "detail", "title"))
                    code = code or _first_str(first, ("code",))
                elif isinstance(first, str):
                    message = first
        if not message:
            text = (getattr(response, "text", "") or "").strip()
            if text and not text.lstrip().startswith("<"):
                message = text[:_MAX_BODY_IN_MESSAGE]
        return code, message

    def _is_temporarily_unavailable(self, status, code):
        return bool(code) and code in self.temporarily_unavailable_codes

    def _on_success(self, response):
        """Called with every successful ``requests.Response``; logs a
        ``Warning`` header (e.g. a 299 deprecation notice) once per text."""
        warning = response.headers.get("Warning")
        if warning and warning not in self._warned:
            self._warned.add(warning)
            self.logger.warning(
                "%s: the service warns: %s", self.service_name, self.redact(warning)
            )

    # -------------------------------------------------------------- request --

    def url_for(self, path):
        if path.startswith(("http://", "https://")):
            return path
        if not self.base_url:
            raise ValueError("%s: no base URL is configured." % self.service_name)
        return "%s/%s" % (self.base_url, path.lstrip("/"))

    def get(self, path, params=None, **kwargs):
        """GET ``path`` and return the parsed JSON body."""
        return self.request("GET", path, params=params, **kwargs).data

    def post(self, path, json=None, data=None, **kwargs):
        """POST ``path`` and return the parsed JSON body."""
        return self.request("POST", path, json=json, data=data, **kwargs).data

    def request(
        self,
        method,
        path,
        *,
        params=None,
        json=None,
        data=None,
        headers=None,
        timeout=None,
        authenticate=True,
        idempotent=None,
        expect_json=True,
    ) -> ApiResponse:
        """Send a request with retries; return an :class:`ApiResponse` or raise
        an :class:`ApiError` subclass."""
        method = method.upper()
        url = self.url_for(path)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        timeout = _check_timeout(timeout) if timeout is not None else self.timeout
        log_url = self._log_url(url, params)
        attempt = 0
        token_renewed = False
        while True:
            send_headers = self._headers(headers, authenticate)
            if self.logger.isEnabledFor(logging.DEBUG):
                self.logger.debug(
                    "%s: %s %s headers=%s",
                    self.service_name,
                    method,
                    log_url,
                    redact_headers(send_headers, self._secrets()),
                )
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    headers=send_headers,
                    timeout=timeout,
                    verify=self.verify,
                )
            except requests.exceptions.RequestException as exc:
                error, may_retry = self._transport_error(exc, idempotent)
                if may_retry and attempt < self.max_retries:
                    delay = backoff_delay(
                        attempt, self.backoff_factor, self.max_backoff, self.rng
                    )
                    self._log_retry(method, log_url, error.message, attempt, delay)
                    self.sleep(delay)
                    attempt += 1
                    continue
                self.logger.debug(
                    "%s: %s %s failed: %s (%s)",
                    self.service_name,
                    method,
                    log_url,
                    error,
                    self._scrub(repr(exc)),
                )
                raise error from None  # the requests exception may hold the URL
            elapsed = time.monotonic() - started
            status = response.status_code
            self.logger.debug(
                "%s: %s %s -> %s in %.2f s",
                self.service_name,
                method,
                log_url,
                status,
                elapsed,
            )
            if 200 <= status < 300:
                self._on_success(response)
                return self._success(response, expect_json)

            payload = _json_or_none(response)
            code, message = self._error_details(response, payload)
            code = str(code) if code not in (None, "") else None
            if (
                status == 401
                and authenticate
                and self.uses_bearer_token
                and not token_renewed
            ):
                self.logger.info(
                    "%s: 401 with a cached token, fetching a new one",
                    self.service_name,
                )
                self.invalidate_token()
                token_renewed = True
                continue
            temporary = self._is_temporarily_unavailable(status, code)
            retryable = status in self.retry_statuses or temporary
            retry_after = None
            if status in NOT_PROCESSED_STATUSES:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            error = self._make_error(status, code, message, retryable, retry_after)
            if retryable and (
                idempotent or status in NOT_PROCESSED_STATUSES or temporary
            ):
                if retry_after is not None and retry_after > self.max_retry_after:
                    self.logger.info(
                        "%s: server asks to wait %.0f s (more than %.0f s), giving up",
                        self.service_name,
                        retry_after,
                        self.max_retry_after,
                    )
                    raise error
                if attempt < self.max_retries:
                    if retry_after is not None:
                        delay = retry_after
                    else:
                        delay = backoff_delay(
                            attempt, self.backoff_factor, self.max_backoff, self.rng
                        )
                    self._log_retry(method, log_url, error.message, attempt, delay)
                    self.sleep(delay)
                    attempt += 1
                    continue
            raise error

    # ------------------------------------------------------------- internals --

    def _headers(self, headers, authenticate):
        result = {"User-Agent": self.user_agent}
        if self.accept:
            result["Accept"] = self.accept
        result.update(self.extra_headers)
        if authenticate:
            result.update(self._auth_headers())
        if headers:
            result.update(headers)
        return result

    def _log_url(self, url, params):
        try:
            prepared = requests.models.PreparedRequest()
            prepared.prepare_url(url, params)
            full = prepared.url
        except requests.exceptions.RequestException:
            full = url
        return redact_url(full, self._secrets())

    def _log_retry(self, method, log_url, reason, attempt, delay):
        self.logger.info(
            "%s: %s %s: %s; retry %d/%d in %.1f s",
            self.service_name,
            method,
            log_url,
            reason,
            attempt + 1,
            self.max_retries,
            delay,
        )

    def _transport_error(self, exc, idempotent):
        """Map a requests exception to ``(ApiError, may_retry)``."""
        name = self.service_name
        exceptions = requests.exceptions
        if isinstance(exc, exceptions.SSLError):
            return (
                ApiUnavailable(
                    "%s: the secure connection failed (certificate or TLS problem)."
                    % name,
                    retryable=False,
                    service=name,
                ),
                False,
            )
        if isinstance(exc, exceptions.ConnectTimeout):
            return (
                ApiTimeout(
                    "%s: the connection could not be made in time." % name,
                    service=name,
                ),
                True,  # nothing was sent: safe for every method
            )
        if isinstance(exc, exceptions.Timeout):
            return (
                ApiTimeout(
                    "%s: the service did not answer in time." % name, service=name
                ),
                idempotent,
            )
        if isinstance(exc, exceptions.ConnectionError):
            return (
                ApiUnavailable(
                    "%s: the service could not be reached." % name, service=name
                ),
                idempotent or _never_connected(exc),
            )
        if isinstance(
            exc, exceptions.ChunkedEncodingError | exceptions.ContentDecodingError
        ):
            return (
                ApiUnavailable(
                    "%s: the answer was cut off or could not be decoded." % name,
                    service=name,
                ),
                idempotent,
            )
        return (
            ApiError(
                "%s: the request could not be sent (%s)."
                % (name, self.redact(type(exc).__name__)),
                service=name,
            ),
            False,
        )

    def _make_error(self, status, code, message, retryable, retry_after):
        name = self.service_name
        detail = self.redact(message) if message else None
        if status in (401, 403):
            cls = ApiAuthError
            text = (
                "%s: the API key or token was refused." % name
                if status == 401
                else "%s: not authorised for this request." % name
            )
        elif status == 404:
            cls, text = ApiNotFound, "%s: not found." % name
        elif status == 429:
            cls, text = ApiRateLimited, "%s: too many requests." % name
        elif retryable:
            cls = ApiUnavailable
            text = "%s: the service is temporarily unavailable." % name
        elif status >= 500:
            cls, text = ApiError, "%s: the service reported an internal error." % name
        else:
            cls = ApiError
            text = "%s: the request failed." % name
        if detail and status in (401, 403):
            text = "%s %s" % (text, detail)
        elif detail:
            text = "%s: %s" % (name, detail)
        return cls(
            text,
            status=status,
            code=code,
            retryable=retryable,
            retry_after=retry_after,
            service=name,
        )

    def _success(self, response, expect_json):
        text = response.text if response.content else ""
        data = None
        if expect_json and response.status_code != 204 and text.strip():
            try:
                data = json.loads(text)
            except ValueError:
                raise ApiBadResponse(
                    "%s: the answer is not valid JSON." % self.service_name,
                    status=response.status_code,
                    service=self.service_name,
                ) from None
        return ApiResponse(
            status=response.status_code,
            headers=response.headers,
            data=data if expect_json else None,
            url=redact_url(response.url, self._secrets()),
            text=text,
        )


# ------------------------------------------------------------------ helpers --


def _check_timeout(timeout):
    if isinstance(timeout, int | float):
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        return float(timeout)
    connect, read = timeout
    if connect <= 0 or read <= 0:
        raise ValueError("timeout must be positive")
    return (float(connect), float(read))


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _first_str(mapping, keys):
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _never_connected(exc):
    """True when a ConnectionError happened before anything was sent
    (connection refused, name resolution failed)."""
    text = repr(exc)
    return any(
        marker in text
        for marker in (
            "NewConnectionError",
            "Connection refused",
            "NameResolutionError",
            "Name or service not known",
            "nodename nor servname",
        )
    )
