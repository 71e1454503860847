from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import atradius

PROVIDERS = [
    ("allianz_trade", "Allianz Trade"),
    ("atradius", "Atradius"),
    ("creditsafe", "Creditsafe (Graydon)"),
    ("kredietbewaking_bouw", "Kredietbewaking Bouw"),
    ("file", "File / e-mail exchange"),
]


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
    api_client_id = fields.Char(
        string="Client ID",
        groups="in2dmm_credit.in2dmm_credit_group_manager",
        copy=False,
    )
    api_secret = fields.Char(
        string="API Secret",
        groups="in2dmm_credit.in2dmm_credit_group_manager",
        copy=False,
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

    def _adapter(self):
        """The API client of this account (managers and jobs only)."""
        self.ensure_one()
        account = self.sudo()
        if account.provider != "atradius":
            raise UserError(
                self.env._(
                    "%(provider)s has no API connection in in2dmm yet; use the "
                    "file/e-mail exchange.",
                    provider=dict(self._fields["provider"].selection)[account.provider],
                )
            )
        try:
            return atradius.AtradiusClient(
                account.api_client_id,
                account.api_secret,
                account.api_app_key,
                account.api_customer_id,
                account.policy_number,
                account.environment,
                base_url=account.api_base_url or None,
                timeout=(5, 30),
                max_retries=2,
            )
        except ValueError as exc:
            raise UserError(
                self.env._(
                    "The insurer account %(account)s is not set up: %(error)s",
                    account=account.name,
                    error=exc,
                )
            ) from exc
