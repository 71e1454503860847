import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import insurer
from ..tools.allianz_trade import AllianzTradeClient
from ..tools.atradius import ApiError, AtradiusClient
from ..tools.creditsafe import CreditsafeClient

_logger = logging.getLogger(__name__)

PROVIDERS = [
    ("allianz_trade", "Allianz Trade"),
    ("atradius", "Atradius"),
    ("creditsafe", "Creditsafe (Graydon)"),
    ("kredietbewaking_bouw", "Kredietbewaking Bouw"),
    ("file", "File / e-mail exchange"),
]
#: the providers with an API adapter in in2dmm; the others use the file exchange
API_PROVIDERS = ("allianz_trade", "atradius", "creditsafe")
ADAPTERS = {
    "allianz_trade": AllianzTradeClient,
    "atradius": AtradiusClient,
    "creditsafe": CreditsafeClient,
}
ADAPTER_CACHE = "in2dmm_insurers.adapter"
RATING_SCALE_OF = {
    "allianz_trade": "allianz_grade",
    "atradius": "atradius",
    "creditsafe": "creditsafe",
}


def adapter_class(provider):
    """The adapter class of a provider (``None``: file exchange only)."""
    return ADAPTERS.get(provider)


class In2dmmInsurerAccount(models.Model):
    _name = "in2dmm.insurer.account"
    _description = "Credit Insurer or Bureau Account"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    provider = fields.Selection(PROVIDERS, required=True, tracking=True)
    environment = fields.Selection(
        [("test", "Test"), ("production", "Production")],
        default="test",
        required=True,
        tracking=True,
    )
    policy_number = fields.Char(tracking=True)
    business_unit = fields.Char(
        help="Allianz Trade: the business unit code of the policy."
    )
    policy_extension = fields.Char(
        help="Allianz Trade: the policy extension the limits belong to (e.g. DCL), "
        "if any."
    )
    api_client_id = fields.Char(
        string="Client ID / User Name",
        groups="in2dmm_credit.in2dmm_credit_group_manager",
        copy=False,
    )
    api_secret = fields.Char(
        string="API Secret / Key / Password",
        groups="in2dmm_credit.in2dmm_credit_group_manager",
        copy=False,
        help="Atradius: client secret; Allianz Trade: API key; Creditsafe: password.",
    )
    api_app_key = fields.Char(
        string="App Key",
        groups="in2dmm_credit.in2dmm_credit_group_manager",
        copy=False,
    )
    api_customer_id = fields.Char(
        string="Customer (Organisation) ID",
        help="Your customer or organisation number at the insurer.",
    )
    api_base_url = fields.Char(
        string="API Address",
        groups="base.group_system",
        help="Leave empty for the insurer's own address of the environment; a "
        "local stand-in (tests, demos) goes here.",
    )
    has_api = fields.Boolean(compute="_compute_capabilities")
    can_rate = fields.Boolean(compute="_compute_capabilities")
    can_monitor = fields.Boolean(compute="_compute_capabilities")
    can_report_overdue = fields.Boolean(compute="_compute_capabilities")
    can_request_limits = fields.Boolean(compute="_compute_capabilities")
    currency_id = fields.Many2one(related="company_id.currency_id")
    max_discretionary_limit = fields.Monetary(
        string="Maximum Own Limit",
        currency_field="currency_id",
        help="Largest limit the policy lets you grant yourself without asking "
        "the insurer.",
    )
    max_payment_days = fields.Integer(string="Maximum Payment Term (days)")
    max_extension_days = fields.Integer(string="Maximum Extension Past Due (days)")
    reporting_deadline_days = fields.Integer(
        string="Overdue Reporting Deadline (days)",
        help="Days after the original due date by which an unpaid invoice must be "
        "reported to the insurer.",
    )
    notice_auto_send = fields.Boolean(
        string="Send Overdue Notices Automatically",
        help="The daily job sends prepared overdue notices through the insurer's "
        "API when their reporting deadline comes within a week.",
    )
    exchange_email = fields.Char(
        string="Exchange E-mail",
        help="Providers without an API: the daily job e-mails new overdue notices "
        "as an XLSX file to this address.",
    )
    rating_refresh_days = fields.Integer(
        string="Refresh Ratings After (days)",
        default=30,
        help="The rating job fetches a new rating for customers whose rating is "
        "older than this; 0 switches the job off for this account.",
    )
    monitoring_portfolio = fields.Char(
        string="Monitoring Portfolio",
        copy=False,
        help="The provider's portfolio in which monitored customers are kept "
        "(created on first use).",
    )
    monitoring_since = fields.Date(
        string="Monitoring Checked Until",
        copy=False,
        help="Changes reported by the provider up to this date have been read.",
    )
    decisions_checked_on = fields.Date(
        string="Decisions Checked Until",
        copy=False,
        readonly=True,
        help="The insurer's decisions up to this date have been read.",
    )
    buyer_count = fields.Integer(compute="_compute_counts")
    rating_count = fields.Integer(compute="_compute_counts")

    @api.depends("provider")
    def _compute_capabilities(self):
        for account in self:
            cls = adapter_class(account.provider)
            capabilities = cls.capabilities if cls else frozenset()
            account.has_api = bool(cls)
            account.can_rate = "rating" in capabilities
            account.can_monitor = "monitoring" in capabilities
            account.can_report_overdue = "overdue" in capabilities
            account.can_request_limits = "limit" in capabilities

    def _compute_counts(self):
        buyers = dict(
            self.env["in2dmm.insurer.buyer"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        ratings = dict(
            self.env["in2dmm.buyer.rating"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.buyer_count = buyers.get(account, 0)
            account.rating_count = ratings.get(account, 0)

    def _supports(self, capability):
        self.ensure_one()
        cls = adapter_class(self.provider)
        return bool(cls) and capability in cls.capabilities

    def _rating_scale(self):
        """The scale of the ratings the provider's monitoring reports."""
        return RATING_SCALE_OF.get(self.provider, "")

    def _provider_label(self):
        return dict(self._fields["provider"]._description_selection(self.env)).get(
            self.provider, self.provider
        )

    def _check_paid_call_access(self):
        """Provider calls may be charged: only credit controllers start them."""
        if not self.env.su and not self.env.user.has_group(
            "in2dmm_credit.in2dmm_credit_group_controller"
        ):
            raise AccessError(
                self.env._(
                    "Only credit controllers may call %(provider)s: its calls may "
                    "be charged.",
                    provider=self._provider_label(),
                )
            )

    def write(self, vals):
        result = super().write(vals)
        # credentials, address or provider may have changed: new clients
        for account in self:
            self.env.cr.cache.pop((ADAPTER_CACHE, account.id), None)
        return result

    def _adapter(self):
        """The API client of this account (managers, controllers and jobs).

        One client per account and transaction: its session and bearer token
        serve every call of a job or a button, instead of a new token per
        customer."""
        self.ensure_one()
        self._check_paid_call_access()
        key = (ADAPTER_CACHE, self.id)
        cache = self.env.cr.cache
        if key not in cache:
            cache[key] = self._new_adapter()
        return cache[key]

    def _new_adapter(self):
        account = self.sudo()
        cls = adapter_class(account.provider)
        if not cls:
            raise UserError(
                self.env._(
                    "%(provider)s has no API connection; use the file/e-mail exchange.",
                    provider=self._provider_label(),
                )
            )
        common = {
            "base_url": account.api_base_url or None,
            "timeout": (5, 30),
            "max_retries": 2,
        }
        try:
            if account.provider == "atradius":
                return cls(
                    account.api_client_id,
                    account.api_secret,
                    account.api_app_key,
                    account.api_customer_id,
                    account.policy_number,
                    account.environment,
                    **common,
                )
            if account.provider == "allianz_trade":
                return cls(
                    account.api_secret,
                    account.policy_number,
                    account.business_unit or "",
                    account.environment,
                    extension_id=account.policy_extension or "",
                    **common,
                )
            return cls(
                account.api_client_id,
                account.api_secret,
                account.environment,
                portfolio_id=account.monitoring_portfolio or "",
                **common,
            )
        except ValueError as exc:
            raise UserError(
                self.env._(
                    "The provider account %(account)s is not set up: %(error)s",
                    account=account.name,
                    error=exc,
                )
            ) from exc

    def _call_error(self, exc):
        """A provider failure as a translated message for the user."""
        if isinstance(exc, insurer.NotSupported):
            return self.env._(
                "%(provider)s offers no API for this; use the file/e-mail exchange.",
                provider=self._provider_label(),
            )
        return self.env._(
            "%(provider)s could not be reached or refused the call: %(error)s",
            provider=self._provider_label(),
            error=exc,
        )

    # ----------------------------------------------------------- ratings --

    def _fetch_rating(self, partner, source="manual"):
        """Fetch and store the current rating of ``partner`` (None if unrated)."""
        self.ensure_one()
        buyer = self.env["in2dmm.insurer.buyer"]._resolve(self, partner)
        rating = self._adapter().rating(buyer.external_id)
        buyer.sudo().rating_checked_on = fields.Datetime.now()
        if rating is None:
            return self.env["in2dmm.buyer.rating"]
        return self.env["in2dmm.buyer.rating"]._store(
            self, buyer.partner_id, rating, source
        )

    def action_open_buyers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_insurers.in2dmm_insurer_buyer_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def action_open_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_insurers.in2dmm_buyer_rating_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_refresh_ratings(self):
        self._check_paid_call_access()
        for account in self:
            account.sudo()._refresh_ratings(force=True)

    def action_check_monitoring(self):
        self._check_paid_call_access()
        for account in self:
            account.sudo()._poll_monitoring()

    def _refresh_ratings(self, force=False, batch=200):
        """New ratings for this account's buyers whose rating is too old."""
        self.ensure_one()
        if not self._supports("rating") or (
            not force and self.rating_refresh_days <= 0
        ):
            return 0
        domain = [("account_id", "=", self.id)]
        if not force:
            cutoff = fields.Datetime.now() - timedelta(days=self.rating_refresh_days)
            domain += [
                "|",
                ("rating_checked_on", "=", False),
                ("rating_checked_on", "<", cutoff),
            ]
        due = self.env["in2dmm.insurer.buyer"].search(
            domain, order="rating_checked_on asc nulls first, id", limit=batch
        )
        done = 0
        for buyer in due:
            try:
                self._fetch_rating(buyer.partner_id, source="job")
            except UserError as exc:
                # this customer only (e.g. set up wrongly): note it, go on
                self.message_post(
                    body=self.env._(
                        "No rating for %(customer)s: %(error)s",
                        customer=buyer.partner_id.display_name,
                        error=exc,
                    )
                )
            except Exception as exc:  # noqa: BLE001 - provider errors of any kind
                if not _is_provider_error(exc):
                    raise
                self.message_post(body=self._call_error(exc))
                break  # the provider is in trouble: try again on the next run
            else:
                done += 1
        return done

    @api.model
    def _cron_refresh_ratings(self):
        for account in self.search([("provider", "in", API_PROVIDERS)]):
            account._refresh_ratings()

    # -------------------------------------------------------- monitoring --

    def _poll_monitoring(self):
        """Read the provider's changes on monitored customers: ratings are
        stored, the other changes become signals. Each event is taken once."""
        self.ensure_one()
        if not self._supports("monitoring"):
            return 0
        adapter = self._adapter()
        since = self.monitoring_since
        try:
            events = adapter.events(since)
        except Exception as exc:
            if not _is_provider_error(exc):
                raise
            self.message_post(body=self._call_error(exc))
            return 0
        portfolio = getattr(adapter, "portfolio_id", "")
        if portfolio and portfolio != self.monitoring_portfolio:
            self.monitoring_portfolio = portfolio
        count = self.env["in2dmm.insurer.event"]._record(self, events)
        self.monitoring_since = fields.Date.context_today(self)
        return count

    @api.model
    def _cron_monitoring(self):
        for account in self.search([("provider", "in", API_PROVIDERS)]):
            account._poll_monitoring()


def _is_provider_error(exc):
    """Errors of a provider call (the HTTP client's ApiError family)."""
    return isinstance(exc, ApiError | insurer.NotSupported | ValueError)
