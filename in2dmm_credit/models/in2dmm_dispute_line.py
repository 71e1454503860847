from odoo import api, fields, models
from odoo.exceptions import ValidationError


class In2dmmDisputeLine(models.Model):
    _name = "in2dmm.dispute.line"
    _description = "Invoice in a Complaint or Dispute"

    dispute_id = fields.Many2one(
        "in2dmm.dispute", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="dispute_id.company_id", store=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_receipt')), "
        "('state', '=', 'posted')]",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Open")
    amount_disputed = fields.Monetary(
        string="Disputed Amount",
        help="The part of the invoice the customer disputes. Empty: all of it.",
    )

    _dispute_move_uniq = models.Constraint(
        "unique (dispute_id, move_id)", "An invoice appears only once in a case."
    )

    @api.constrains("amount_disputed", "move_id")
    def _check_amount(self):
        for line in self:
            if line.amount_disputed < 0 or (
                line.amount_disputed > line.move_id.amount_total + 0.005
            ):
                raise ValidationError(
                    self.env._(
                        "The disputed amount of %(invoice)s must lie between 0 and "
                        "the invoice total.",
                        invoice=line.move_id.display_name,
                    )
                )
