"""Client of the KvK (Kamer van Koophandel) APIs (pure Python, no Odoo).

Zoeken v2, Basisprofiel v1 (+ ``/vestigingen``), Vestigingsprofiel v1 and
Naamgeving v1 on the test host (free, fictional companies, public test key)
or the production host (paid key; Zoeken is free, every profile call is
charged). Built on the shared :mod:`in2dmm_credit.tools.http_client`.

* Inputs are validated before anything is sent (:class:`ValueError` with an
  English message; numbers raise :class:`~.kvk_numbers.InvalidNumber`).
* The KvK error body ``{"fout": [{"code", "omschrijving"}]}`` becomes the
  ``code`` and message of the raised :class:`ApiError`; the codes the KvK
  documents as "temporarily unavailable, try again" (IPD1002, IPD1003) are
  retried like a 503.
* A search that finds nothing (404 with IPD5200, or a page without results)
  returns an empty :class:`~.kvk_parse.SearchPage` instead of raising.
* Answers are returned parsed (:mod:`.kvk_parse`); each keeps its body in
  ``raw``.
"""

from __future__ import annotations

from . import kvk_mutations, kvk_numbers, kvk_parse

# The shared HTTP base lives in in2dmm_credit. Inside Odoo this module is
# ``odoo.addons.in2dmm_kvk.tools.kvk_client`` and must use the same module
# object Odoo loaded (``odoo.addons.in2dmm_credit...``), or the exception
# classes would differ; the pytest tier registers the addon folders as bare
# packages and must not import Odoo at all.
if __name__.startswith("odoo.addons."):
    from odoo.addons.in2dmm_credit.tools import http_client
else:
    try:
        from in2dmm_credit.tools import http_client
    except ImportError:  # an unusual loader: fall back to the Odoo namespace
        from odoo.addons.in2dmm_credit.tools import http_client

ApiError = http_client.ApiError
ApiAuthError = http_client.ApiAuthError
ApiNotFound = http_client.ApiNotFound
ApiRateLimited = http_client.ApiRateLimited
ApiUnavailable = http_client.ApiUnavailable
ApiTimeout = http_client.ApiTimeout
ApiBadResponse = http_client.ApiBadResponse

BASE_URLS = {
    "test": "https://api.kvk.nl/test/api",
    "production": "https://api.kvk.nl/api",
}
#: Public key of the KvK test environment (fictional data, test host only).
TEST_API_KEY = "l7xx1f2691f2520d487b902f4e0b57a0b197"

NO_RESULTS_CODE = "IPD5200"
TEMPORARILY_UNAVAILABLE_CODES = frozenset({"IPD1002", "IPD1003"})

#: English explanation of the documented IPD codes (the KvK text is Dutch).
IPD_MESSAGES = {
    "IPD0001": "This KvK product does not exist.",
    "IPD0004": "The KvK number is not valid.",
    "IPD0005": "The KvK cannot deliver this product for this KvK number.",
    "IPD0006": "The establishment number (vestigingsnummer) is not valid.",
    "IPD0007": "The KvK cannot deliver this product for this establishment number.",
    "IPD0010": "The RSIN is not valid.",
    "IPD1002": "The KvK service is temporarily unavailable; try again later.",
    "IPD1003": "The KvK service is temporarily unavailable; try again later.",
    "IPD1998": "The request has invalid parameters.",
    "IPD1999": "The request has invalid parameters.",
    "IPD5200": "No data found for these search criteria.",
    "IPD5203": "The type filter is not valid.",
    "IPD9999": "The KvK reported a general technical error.",
}

# Zoeken v2 parameters (names as the KvK spells them)
_TEXT_CRITERIA = ("naam", "straatnaam", "plaats")
_CRITERIA = frozenset(
    {
        "naam",
        "kvkNummer",
        "rsin",
        "vestigingsnummer",
        "straatnaam",
        "plaats",
        "postcode",
        "huisnummer",
        "huisletter",
        "postbusnummer",
        "type",
        "inclusiefInactieveRegistraties",
        "pagina",
        "resultatenPerPagina",
    }
)
# criteria that select something (the others only filter or page)
_SELECTING = (
    "naam",
    "kvkNummer",
    "rsin",
    "vestigingsnummer",
    "straatnaam",
    "plaats",
    "postcode",
)
MAX_TEXT_LENGTH = 500


def _given(value):
    return value is not None and value is not False and value != ""


def _bounded_int(name, value, low, high):
    if isinstance(value, bool):
        raise ValueError("%s must be a whole number." % name)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError("%s must be a whole number; got %r." % (name, value)) from None
    if not low <= number <= high:
        raise ValueError(
            "%s must be between %d and %d; got %d." % (name, low, high, number)
        )
    return number


def build_search_params(**criteria):
    """Validate Zoeken v2 criteria and return the query as a list of pairs.

    Names as in the KvK API: ``naam, kvkNummer, rsin, vestigingsnummer,
    straatnaam, plaats, postcode`` (only with ``huisnummer`` or
    ``postbusnummer``), ``huisnummer``/``postbusnummer`` (only with
    ``postcode``), ``huisletter`` (only with ``huisnummer``), ``type`` (one of
    or a list of hoofdvestiging/nevenvestiging/rechtspersoon),
    ``inclusiefInactieveRegistraties`` (bool), ``pagina`` (1-1000),
    ``resultatenPerPagina`` (1-100). Empty values (None, False, "") are ignored.
    """
    unknown = sorted(set(criteria) - _CRITERIA)
    if unknown:
        raise ValueError(
            "Unknown KvK search criterion: %s (use %s)."
            % (", ".join(unknown), ", ".join(sorted(_CRITERIA)))
        )
    given = {k: v for k, v in criteria.items() if _given(v)}
    if not any(k in given for k in _SELECTING):
        raise ValueError(
            "Give at least one KvK search criterion: a name, KvK number, RSIN, "
            "establishment number, street, place or postcode."
        )
    return (
        _text_params(given)
        + _number_params(given)
        + _address_params(given)
        + _filter_params(given)
    )


def _text_params(given):
    params = []
    for name in _TEXT_CRITERIA:
        if name in given:
            text = " ".join(str(given[name]).split())
            if len(text) > MAX_TEXT_LENGTH:
                raise ValueError("The search text %s is too long." % name)
            if text:
                params.append((name, text))
    return params


def _number_params(given):
    params = []
    if "kvkNummer" in given:
        params.append(("kvkNummer", kvk_numbers.clean_kvk_number(given["kvkNummer"])))
    if "rsin" in given:
        params.append(("rsin", kvk_numbers.clean_rsin(given["rsin"])))
    if "vestigingsnummer" in given:
        number = kvk_numbers.clean_vestigingsnummer(given["vestigingsnummer"])
        params.append(("vestigingsnummer", number))
    return params


def _address_params(given):
    has_number = "huisnummer" in given
    has_po_box = "postbusnummer" in given
    if "postcode" not in given:
        if has_number or has_po_box:
            raise ValueError(
                "A house number or post-office box number can only be searched "
                "together with a postcode."
            )
        if "huisletter" in given:
            raise ValueError("A house letter can only be searched with a house number.")
        return []
    if not (has_number or has_po_box):
        raise ValueError(
            "A postcode can only be searched together with a house number "
            "or a post-office box number."
        )
    if has_number and has_po_box:
        raise ValueError(
            "Search on a house number or on a post-office box number, not both."
        )
    params = [("postcode", kvk_numbers.compact_postcode(given["postcode"]))]
    if has_number:
        number = _bounded_int("The house number", given["huisnummer"], 1, 99999)
        params.append(("huisnummer", number))
    else:
        number = _bounded_int(
            "The post-office box number", given["postbusnummer"], 1, 99999
        )
        params.append(("postbusnummer", number))
    if "huisletter" in given:
        letter = str(given["huisletter"]).strip()
        if not has_number:
            raise ValueError("A house letter can only be searched with a house number.")
        if len(letter) != 1 or not ("a" <= letter.lower() <= "z"):
            raise ValueError("The house letter must be one letter; got %r." % letter)
        params.append(("huisletter", letter.upper()))
    return params


def _filter_params(given):
    params = []
    types = given.get("type") or []
    for value in [types] if isinstance(types, str) else types:
        value = str(value).strip().lower()
        if value not in kvk_parse.SEARCH_TYPES:
            raise ValueError(
                "The KvK search type must be one of %s; got %r."
                % (", ".join(kvk_parse.SEARCH_TYPES), value)
            )
        if ("type", value) not in params:
            params.append(("type", value))
    if "inclusiefInactieveRegistraties" in given:
        if given["inclusiefInactieveRegistraties"] is not True:
            raise ValueError("inclusiefInactieveRegistraties must be True or False.")
        params.append(("inclusiefInactieveRegistraties", "true"))
    if "pagina" in given:
        page = _bounded_int("The page number", given["pagina"], 1, 1000)
        params.append(("pagina", page))
    if "resultatenPerPagina" in given:
        size = _bounded_int(
            "The results per page", given["resultatenPerPagina"], 1, 100
        )
        params.append(("resultatenPerPagina", size))
    return params


def fout_details(payload):
    """``(code, message)`` of a KvK error body ``{"fout": [{"code",
    "omschrijving"}]}``, or ``None`` when the body has another shape.

    The first code is returned; the message joins the English explanation of
    each documented code with the KvK's own (Dutch) text.
    """
    errors = payload.get("fout") if isinstance(payload, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    codes = []
    texts = []
    for item in errors:
        if not isinstance(item, dict):
            continue
        code = str(item.get("code") or "").strip()
        text = " ".join(str(item.get("omschrijving") or "").split())
        if code:
            codes.append(code)
        english = IPD_MESSAGES.get(code)
        if english and text:
            texts.append("%s (KvK: %s)" % (english, text))
        elif english or text:
            texts.append(english or text)
    return (codes[0] if codes else None), " ".join(texts) or None


class KvkClient(http_client.HttpClient):
    """The KvK APIs. ``environment``: ``"test"`` or ``"production"``.

    Without ``api_key`` the test environment uses the public test key; the
    production environment requires a key. ``base_url`` overrides the host
    (used by the tests' fake server); other keyword arguments go to
    :class:`~in2dmm_credit.tools.http_client.HttpClient` (timeout, retries,
    sleep, ...).
    """

    service_name = "KvK"
    api_key_header = "apikey"
    accept = "application/hal+json, application/json"
    temporarily_unavailable_codes = TEMPORARILY_UNAVAILABLE_CODES

    def __init__(self, api_key=None, environment="test", *, base_url=None, **kwargs):
        if environment not in BASE_URLS:
            raise ValueError(
                "The KvK environment must be 'test' or 'production'; got %r."
                % (environment,)
            )
        api_key = (api_key or "").strip() or None
        if api_key is None:
            if environment != "test":
                raise ValueError(
                    "A KvK API key is required for the production environment."
                )
            api_key = TEST_API_KEY
        self.environment = environment
        super().__init__(base_url or BASE_URLS[environment], api_key=api_key, **kwargs)

    # ---------------------------------------------------------------- hooks --

    def _error_details(self, response, payload):
        """Read ``{"fout": [{"code": ..., "omschrijving": ...}]}``."""
        details = fout_details(payload)
        if details is None:
            return super()._error_details(response, payload)
        return details

    # -------------------------------------------------------------- methods --

    def _parsed(self, parser, data, *args):
        try:
            return parser(data, *args)
        except kvk_parse.KvkParseError as exc:
            raise ApiBadResponse("KvK: %s" % exc, service=self.service_name) from None

    def search(self, **criteria) -> kvk_parse.SearchPage:
        """Zoeken v2; see :func:`build_search_params` for the criteria.

        Returns a :class:`~.kvk_parse.SearchPage`, empty when nothing matches.
        """
        params = build_search_params(**criteria)
        query = dict(params)
        try:
            data = self.get("v2/zoeken", params=params)
        except ApiError as exc:
            if exc.code == NO_RESULTS_CODE:
                return kvk_parse.empty_search_page(
                    page=int(query.get("pagina", 1)),
                    per_page=int(query.get("resultatenPerPagina", 10)),
                )
            raise
        if data is None:
            return kvk_parse.empty_search_page()
        assume_active = True if "inclusiefInactieveRegistraties" not in query else None
        return self._parsed(kvk_parse.parse_search, data, assume_active)

    def basisprofiel(self, kvk_number, geo=False) -> kvk_parse.CompanyProfile:
        """Basisprofiel of a KvK number (a paid call in production)."""
        number = kvk_numbers.clean_kvk_number(kvk_number)
        params = {"geoData": "true"} if geo else None
        data = self.get("v1/basisprofielen/%s" % number, params=params)
        return self._parsed(kvk_parse.parse_basisprofiel, data)

    def vestigingen(self, kvk_number) -> tuple[kvk_parse.BranchSummary, ...]:
        """The establishments of a KvK number (Basisprofiel sub-resource)."""
        number = kvk_numbers.clean_kvk_number(kvk_number)
        data = self.get("v1/basisprofielen/%s/vestigingen" % number)
        return self._parsed(kvk_parse.parse_vestigingen, data)

    def vestigingsprofiel(self, vestigingsnummer, geo=False) -> kvk_parse.Establishment:
        """Vestigingsprofiel of an establishment number (a paid call)."""
        number = kvk_numbers.clean_vestigingsnummer(vestigingsnummer)
        params = {"geoData": "true"} if geo else None
        data = self.get("v1/vestigingsprofielen/%s" % number, params=params)
        return self._parsed(kvk_parse.parse_vestigingsprofiel, data)

    def naamgeving(self, kvk_number) -> kvk_parse.Naming:
        """All names of a registration and its establishments (a paid call)."""
        number = kvk_numbers.clean_kvk_number(kvk_number)
        data = self.get("v1/naamgevingen/kvknummer/%s" % number)
        return self._parsed(kvk_parse.parse_naamgeving, data)

    # ------------------------------------------------------- Mutatieservice --

    def subscriptions(self):
        """The Mutatieservice subscriptions of this API key."""
        data = self.get("v1/abonnementen")
        return self._parsed(kvk_mutations.parse_subscriptions, data or {})

    def mutation_signals(
        self, subscription_id, since, until=None, page=1, per_page=500
    ):
        """One page of change signals from ``since`` (a naive UTC datetime)."""
        if not 10 <= per_page <= 500:
            raise ValueError("The KvK returns 10 to 500 signals per page.")
        params = [
            ("vanaf", since.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ("pagina", str(page)),
            ("aantal", str(per_page)),
        ]
        if until:
            params.insert(1, ("tot", until.strftime("%Y-%m-%dT%H:%M:%SZ")))
        data = self.get("v1/abonnementen/%s" % subscription_id, params=params)
        return self._parsed(kvk_mutations.parse_signal_page, data or {})

    def all_mutation_signals(self, subscription_id, since, until=None, per_page=500):
        """Every signal from ``since``, page after page."""
        page = 1
        while True:
            result = self.mutation_signals(
                subscription_id, since, until, page=page, per_page=per_page
            )
            yield from result.signals
            if page >= result.total_pages or not result.signals:
                return
            page += 1
