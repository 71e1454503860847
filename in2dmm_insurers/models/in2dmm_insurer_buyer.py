from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import insurer
from .in2dmm_insurer_account import _is_provider_error


def _field(record, name):
    """A field that only exists with base_address_extended (split streets)."""
    return (record[name] or "") if name in record._fields else ""


MATCHES = [
    ("kvk", "KvK number"),
    ("vat", "VAT number"),
    ("name_address", "Name and address"),
    ("manual", "Entered by hand"),
]


class In2dmmInsurerBuyer(models.Model):
    """The provider's identification of a customer (Atradius buyer id, Allianz
    Trade company id, Creditsafe connect id), found by KvK number, VAT number or
    name and address. Lookups may be charged, so they run on a user's action
    and their result is kept here."""

    _name = "in2dmm.insurer.buyer"
    _description = "Customer at a Credit Insurer or Bureau"
    _order = "partner_id, account_id"
    _check_company_auto = True
    _rec_name = "external_id"

    account_id = fields.Many2one(
        "in2dmm.insurer.account",
        string="Provider",
        required=True,
        ondelete="cascade",
        check_company=True,
        index=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    provider = fields.Selection(related="account_id.provider", string="Provider Type")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('parent_id', '=', False)]",
    )
    external_id = fields.Char(string="Provider's ID", required=True)
    matched_name = fields.Char(string="Name at the Provider")
    matched_address = fields.Char(string="Address at the Provider")
    match = fields.Selection(MATCHES, string="Matched By", default="manual")
    matched_on = fields.Datetime(default=fields.Datetime.now)
    monitored = fields.Boolean(
        help="The customer is in the provider's monitoring; its changes come in "
        "as ratings and signals."
    )
    rating_checked_on = fields.Datetime(string="Rating Checked On", readonly=True)

    _account_partner_uniq = models.Constraint(
        "unique (account_id, partner_id)",
        "A customer has one identification per provider account.",
    )

    @api.model
    def _identifiers(self, partner):
        partner = partner.commercial_partner_id
        return insurer.Identifiers(
            kvk=(partner.company_registry or "").replace(" ", ""),
            vat=(partner.vat or "").replace(" ", ""),
            name=partner.name or "",
            street=_field(partner, "street_name") or partner.street or "",
            house_number=_field(partner, "street_number"),
            postcode=partner.zip or "",
            city=partner.city or "",
            country=partner.country_id.code or "NL",
        )

    @api.model
    def _resolve(self, account, partner, lookup=True):
        """The buyer of ``partner`` at ``account``; looked up at the provider
        (by KvK, then VAT, then name and address) when not known yet."""
        partner = partner.commercial_partner_id
        buyer = self.search(
            [("account_id", "=", account.id), ("partner_id", "=", partner.id)], limit=1
        )
        if buyer or not lookup:
            return buyer
        identifiers = self._identifiers(partner)
        if not (identifiers.kvk or identifiers.vat or identifiers.name):
            raise UserError(
                self.env._(
                    "%(customer)s has no KvK number, VAT number or name to find it "
                    "at %(provider)s.",
                    customer=partner.display_name,
                    provider=account._provider_label(),
                )
            )
        try:
            found = account._adapter().find_buyer(identifiers)
        except Exception as exc:
            if not _is_provider_error(exc):
                raise
            raise UserError(account._call_error(exc)) from exc
        if not found or not found.id:
            raise UserError(
                self.env._(
                    "%(provider)s does not know %(customer)s (KvK %(kvk)s, VAT "
                    "%(vat)s). Enter the provider's ID by hand if you have it.",
                    provider=account._provider_label(),
                    customer=partner.display_name,
                    kvk=identifiers.kvk or "-",
                    vat=identifiers.vat or "-",
                )
            )
        buyer = self.sudo().create(
            {
                "account_id": account.id,
                "partner_id": partner.id,
                "external_id": found.id,
                "matched_name": found.name,
                "matched_address": found.address,
                "match": found.match if found.match in dict(MATCHES) else "manual",
            }
        )
        partner.message_post(
            body=self.env._(
                "Found at %(provider)s as %(name)s (ID %(id)s, matched by %(match)s).",
                provider=account._provider_label(),
                name=found.name or partner.name,
                id=found.id,
                match=dict(self._fields["match"]._description_selection(self.env)).get(
                    buyer.match
                ),
            )
        )
        return buyer.sudo(False)

    def action_monitor(self):
        """Add the customers to the provider's monitoring."""
        for buyer in self:
            account = buyer.account_id
            if not account._supports("monitoring"):
                raise UserError(
                    self.env._(
                        "%(provider)s offers no monitoring.",
                        provider=account._provider_label(),
                    )
                )
            adapter = account._adapter()
            try:
                if hasattr(adapter, "ensure_portfolio"):
                    portfolio = adapter.ensure_portfolio(
                        self.env._(
                            "in2dmm %(company)s", company=account.company_id.name
                        )
                    )
                    if portfolio != account.monitoring_portfolio:
                        account.sudo().monitoring_portfolio = portfolio
                adapter.monitor(
                    buyer.external_id,
                    reference=buyer.partner_id.ref or str(buyer.partner_id.id),
                )
            except Exception as exc:
                if not _is_provider_error(exc):
                    raise
                raise UserError(account._call_error(exc)) from exc
            buyer.monitored = True
            if not account.monitoring_since:
                account.sudo().monitoring_since = fields.Date.context_today(self)
