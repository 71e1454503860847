import string

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import dunning

#: Placeholders that the letter and e-mail texts of a level may use.
TEXT_PLACEHOLDERS = (
    "partner_name",
    "company_name",
    "amount_to_pay",
    "amount_overdue",
    "date",
    "pay_before",
    "payment_reference",
    "collector_name",
    "collector_email",
    "collector_phone",
    "costs_amount",
    "interest_amount",
    "total_claim",
    "costs_announced",
    "fourteen_day_term",
    "fourteen_day_deadline",
)

CHARGE_MODES = [
    ("none", "Not charged"),
    ("show", "Claim on the letter"),
    ("book", "Claim on the letter and book"),
]


class In2dmmPolicyLevel(models.Model):
    _name = "in2dmm.policy.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, required=True)
    policy_id = fields.Many2one(
        "in2dmm.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="The level is reached this many days after the due date; a negative "
        "number gives a friendly reminder before the due date.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="company_currency_id",
        help="Customers owing less than this are not sent this level.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    channel_email = fields.Boolean(string="E-mail", default=True)
    channel_letter = fields.Boolean(string="Printed Letter")
    channel_call = fields.Boolean(
        string="Call Action", help="Schedule a call for the customer's collector."
    )
    channel_salesperson = fields.Boolean(
        string="Notify Salesperson",
        help="Put the overdue invoices on the salesperson's activity list.",
    )
    manual_review = fields.Boolean(
        help="Lines at this level are executed only after someone reviewed them."
    )
    payment_days = fields.Integer(
        string="Days to Pay",
        default=7,
        help="The letter asks for payment within this many days.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "in2dmm.dunning.line")],
        default=lambda self: self.env.ref(
            "in2dmm_credit.mail_template_dunning", raise_if_not_found=False
        ),
        help="Rendered in the customer's language.",
    )
    letter_subject = fields.Char(translate=True)
    letter_body_before = fields.Text(
        string="Text Before the Items",
        translate=True,
        help="Placeholders: " + ", ".join("{%s}" % p for p in TEXT_PLACEHOLDERS),
    )
    letter_body_after = fields.Text(
        string="Text After the Items",
        translate=True,
        help="Placeholders: " + ", ".join("{%s}" % p for p in TEXT_PLACEHOLDERS),
    )
    # Legal effects; the Dutch collection rules build on these flags.
    puts_in_default = fields.Boolean(
        string="Puts Debtor in Default",
        help="This letter is a notice of default (ingebrekestelling).",
    )
    is_fourteen_day_letter = fields.Boolean(
        string="14-Day Letter",
        help="The Dutch 14-day letter (veertiendagenbrief) required before "
        "collection costs may be charged to a consumer.",
    )
    announces_costs = fields.Boolean(
        string="Announces Collection Costs",
        help="The letter states the collection costs that will be charged if the "
        "customer does not pay in time (required in a 14-day letter).",
    )
    costs_mode = fields.Selection(
        CHARGE_MODES,
        string="Collection Costs",
        default="none",
        required=True,
        help="Claim the extrajudicial collection costs (WIK scale) on this letter, "
        "and optionally book them on a costs invoice. Consumers are charged only "
        "after the term of a 14-day letter has expired unpaid.",
    )
    interest_mode = fields.Selection(
        CHARGE_MODES,
        string="Statutory Interest",
        default="none",
        required=True,
        help="Claim statutory interest (consumers) or commercial interest "
        "(businesses) up to the letter date, and optionally book it.",
    )
    attach_statement = fields.Boolean(
        string="Attach Account Statement",
        help="Attach the customer's account statement (all open items) to the "
        "e-mail of this level.",
    )
    hand_over = fields.Boolean(
        string="Hand Over to Collection Agency",
        help="Executing this level creates a collection case for the invoices, "
        "handed over to the company's default agency; our own dunning stops for "
        "them.",
    )

    _days_policy_uniq = models.Constraint(
        "unique (policy_id, sequence)",
        "Two levels of one policy cannot have the same sequence.",
    )

    @api.constrains("days", "sequence", "policy_id")
    def _check_days_ascending(self):
        for policy in self.policy_id:
            levels = policy.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id))
            days = levels.mapped("days")
            if days != sorted(days) or len(set(days)) != len(days):
                raise ValidationError(
                    self.env._(
                        "The levels of policy %(policy)s must have increasing days "
                        "in the order of their sequence (now: %(days)s).",
                        policy=policy.display_name,
                        days=", ".join(str(d) for d in days),
                    )
                )

    @api.constrains("letter_subject", "letter_body_before", "letter_body_after")
    def _check_placeholders(self):
        formatter = string.Formatter()
        for level in self:
            for fname in ("letter_subject", "letter_body_before", "letter_body_after"):
                text = level[fname] or ""
                try:
                    names = {f for _lit, f, _spec, _conv in formatter.parse(text) if f}
                except ValueError as exc:
                    raise ValidationError(
                        self.env._(
                            "The text of level %(level)s has a broken placeholder: "
                            "%(error)s. Write a literal brace as {{ or }}.",
                            level=level.display_name,
                            error=exc,
                        )
                    ) from exc
                unknown = names - set(TEXT_PLACEHOLDERS)
                if unknown:
                    raise ValidationError(
                        self.env._(
                            "The text of level %(level)s uses unknown placeholders: "
                            "%(unknown)s. Available: %(known)s.",
                            level=level.display_name,
                            unknown=", ".join(sorted(unknown)),
                            known=", ".join(TEXT_PLACEHOLDERS),
                        )
                    )

    def _to_engine(self):
        self.ensure_one()
        return dunning.Level(
            id=self.id,
            sequence=self.sequence,
            days=self.days,
            min_amount=self.min_amount,
            name=self.name,
        )

    def _render_text(self, fname, values):
        """Fill the placeholders of a text field, in the current language."""
        self.ensure_one()
        return (self[fname] or "").format_map(values)
