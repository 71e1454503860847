from odoo import api, fields, models

from ..tools import ratings
from ..tools.insurer import RATING_SCALES

SCALES = [
    ("allianz_grade", "Allianz Trade grade (1-10)"),
    ("atradius", "Atradius buyer rating"),
    ("creditsafe", "Creditsafe score (A-E)"),
    ("graydon", "Graydon rating (AAA-D)"),
]
assert {code for code, _label in SCALES} == set(RATING_SCALES)


class In2dmmBuyerRating(models.Model):
    """A customer's rating or grade from a bureau or insurer, with its history:
    the newest rating per customer and provider is the current one."""

    _name = "in2dmm.buyer.rating"
    _description = "Customer Rating"
    _order = "rated_on desc, id desc"
    _check_company_auto = True
    _rec_name = "value"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    account_id = fields.Many2one(
        "in2dmm.insurer.account",
        string="Provider",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    scale = fields.Selection(SCALES, required=True)
    value = fields.Char(string="Rating", required=True)
    description = fields.Char()
    band = fields.Integer(
        help="The rating on one scale for all providers: 1 very low risk to 5 "
        "very high risk (0: not comparable)."
    )
    score = fields.Float(digits=(16, 2))
    score_min = fields.Float(digits=(16, 2))
    score_max = fields.Float(digits=(16, 2))
    advised_limit = fields.Float(
        string="Advised Limit", digits=(16, 2), help="The bureau's advice, not a cover."
    )
    advised_currency = fields.Char(string="Advice Currency")
    rated_on = fields.Date(default=fields.Date.context_today, required=True)
    previous_value = fields.Char(string="Previous Rating")
    source = fields.Selection(
        [
            ("manual", "Fetched on demand"),
            ("job", "Refresh job"),
            ("monitoring", "Monitoring"),
        ],
        default="manual",
        required=True,
    )
    is_current = fields.Boolean(string="Current", default=True, index=True)
    worsened = fields.Boolean(readonly=True)

    @api.model
    def _store(self, account, partner, rating, source):
        """Store a neutral ``tools.insurer.Rating``; a worse grade than the
        current one raises a signal."""
        partner = partner.commercial_partner_id
        current = self.search(
            [
                ("partner_id", "=", partner.id),
                ("account_id", "=", account.id),
                ("is_current", "=", True),
            ]
        )
        previous_value = rating.previous_value or (current[:1].value or "")
        worse = bool(current) and current[:1].scale == rating.scale
        worse = worse and ratings.worsened(
            rating.scale, current[:1].value, rating.value
        )
        if not current and rating.previous_value:
            worse = ratings.worsened(rating.scale, rating.previous_value, rating.value)
        current.write({"is_current": False})
        record = self.sudo().create(
            {
                "partner_id": partner.id,
                "account_id": account.id,
                "scale": rating.scale,
                "value": rating.value,
                "description": rating.description,
                "band": ratings.band(rating.scale, rating.value) or 0,
                "score": float(rating.score) if rating.score is not None else 0.0,
                "score_min": float(rating.score_min or 0),
                "score_max": float(rating.score_max or 0),
                "advised_limit": float(rating.advised_limit or 0),
                "advised_currency": rating.currency,
                "rated_on": rating.rated_on or fields.Date.context_today(self),
                "previous_value": previous_value,
                "source": source,
                "worsened": worse,
            }
        )
        if worse:
            self.env["in2dmm.signal"]._raise_signal(
                partner,
                "rating_worse",
                severity="critical" if record.band >= 4 else "warning",
                description=self.env._(
                    "%(provider)s lowered the rating from %(old)s to %(new)s%(text)s.",
                    provider=account._provider_label(),
                    old=previous_value,
                    new=rating.value,
                    text=(" (%s)" % rating.description) if rating.description else "",
                ),
                cause=record,
                company=account.company_id,
            )
        return record.sudo(False)
