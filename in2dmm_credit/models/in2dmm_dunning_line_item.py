from odoo import fields, models
from odoo.exceptions import UserError


class In2dmmDunningLineItem(models.Model):
    _name = "in2dmm.dunning.line.item"
    _description = "Dunning Line Item"
    _order = "line_id, kind desc, date_due, id"

    line_id = fields.Many2one(
        "in2dmm.dunning.line", required=True, ondelete="cascade", index=True
    )
    run_id = fields.Many2one(related="line_id.run_id")
    company_id = fields.Many2one(related="line_id.company_id")
    partner_id = fields.Many2one(related="line_id.partner_id")
    currency_id = fields.Many2one(related="line_id.currency_id")
    line_state = fields.Selection(related="line_id.state", string="Line State")
    # an invoice reset to draft gets new journal items: the history keeps the
    # invoice and loses only the link to the old item
    move_line_id = fields.Many2one("account.move.line", ondelete="set null")
    move_id = fields.Many2one(
        "account.move", string="Document", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [("debit", "Due"), ("credit", "Credit")], required=True, default="debit"
    )
    date_due = fields.Date(string="Due Date")
    days_overdue = fields.Integer()
    amount_residual = fields.Monetary(
        string="Open Amount", currency_field="currency_id"
    )
    level_before_id = fields.Many2one("in2dmm.policy.level", string="Level Before")
    level_id = fields.Many2one("in2dmm.policy.level", string="New Level")
    escalated = fields.Boolean(help="This run raises the invoice's dunning level.")
    state = fields.Selection(
        [("included", "Included"), ("excluded", "Excluded"), ("held", "Held")],
        default="included",
        required=True,
    )
    hold_reason = fields.Char()

    def _check_editable(self):
        if any(item.line_id.state != "proposed" for item in self):
            raise UserError(
                self.env._("Items of a line that was sent cannot be changed.")
            )

    def action_exclude(self):
        self._check_editable()
        self.filtered(lambda i: i.state == "included").write({"state": "excluded"})
        return True

    def action_include(self):
        self._check_editable()
        self.filtered(lambda i: i.state == "excluded").write({"state": "included"})
        return True

    def action_exclude_invoice(self):
        """Exclude the invoice itself from dunning, in this run and later ones."""
        self._check_editable()
        self.move_id.write({"in2dmm_excluded": True})
        self.write({"state": "excluded"})
        return True
