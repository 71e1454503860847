from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    in2dmm_rating_ids = fields.One2many(
        "in2dmm.buyer.rating", "partner_id", string="Ratings"
    )
    in2dmm_insurer_buyer_ids = fields.One2many(
        "in2dmm.insurer.buyer", "partner_id", string="Provider IDs"
    )
    in2dmm_rating_id = fields.Many2one(
        "in2dmm.buyer.rating",
        string="Current Rating",
        compute="_compute_in2dmm_rating",
    )
    in2dmm_rating_band = fields.Integer(
        string="Rating Band", compute="_compute_in2dmm_rating"
    )
    in2dmm_rating_text = fields.Char(string="Rating", compute="_compute_in2dmm_rating")

    @api.depends_context("company")
    def _compute_in2dmm_rating(self):
        Rating = self.env["in2dmm.buyer.rating"]
        commercial = self.commercial_partner_id
        current = Rating.search(
            [
                ("partner_id", "in", commercial.ids),
                ("is_current", "=", True),
                ("company_id", "=", self.env.company.id),
            ],
            order="rated_on desc, id desc",
        )
        newest = {}
        for rating in current:
            newest.setdefault(rating.partner_id.id, rating)
        for partner in self:
            rating = newest.get(partner.commercial_partner_id.id, Rating)
            partner.in2dmm_rating_id = rating
            partner.in2dmm_rating_band = rating.band
            partner.in2dmm_rating_text = (
                self.env._(
                    "%(value)s at %(provider)s on %(date)s",
                    value=rating.value,
                    provider=rating.account_id.name,
                    date=format_date(self.env, rating.rated_on),
                )
                if rating
                else False
            )

    def _in2dmm_rating_accounts(self):
        return (
            self.env["in2dmm.insurer.account"]
            .search([("company_id", "=", self.env.company.id)])
            .filtered(lambda a: a._supports("rating"))
        )

    def action_in2dmm_fetch_rating(self):
        """Fetch the current rating from every rating provider of the company."""
        self.ensure_one()
        accounts = self._in2dmm_rating_accounts()
        if not accounts:
            raise UserError(
                self.env._(
                    "No provider account of this company offers ratings. Add one "
                    "under Credit Management > Configuration > Insurers and Bureaus."
                )
            )
        found = self.env["in2dmm.buyer.rating"]
        for account in accounts:
            found |= account._fetch_rating(self)
        if not found:
            raise UserError(
                self.env._(
                    "The providers have no rating for %(customer)s.",
                    customer=self.display_name,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": ", ".join(
                    "%s: %s" % (r.account_id.name, r.value) for r in found
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_in2dmm_request_insured_limit(self):
        self.ensure_one()
        account = self.env.company.in2dmm_insurer_account_id
        partner = self.commercial_partner_id
        current = partner.with_company(self.env.company).in2dmm_insured_limit
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Insured Limit"),
            "res_model": "in2dmm.insurer.limit.request",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": partner.id,
                "default_account_id": account.id,
                "default_kind": "increase" if current else "new",
            },
        }

    def action_in2dmm_open_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_insurers.in2dmm_buyer_rating_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_current": 0}
        return action
