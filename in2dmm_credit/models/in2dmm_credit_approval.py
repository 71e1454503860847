from odoo import api, fields, models


class In2dmmCreditApproval(models.TransientModel):
    """A credit manager approves a sale order that the credit check stops."""

    _name = "in2dmm.credit.approval"
    _description = "Credit Approval of a Sale Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    warning = fields.Text(compute="_compute_warning", string="Why it is stopped")
    reason = fields.Text(required=True, help="Logged on the order.")
    confirm = fields.Boolean(string="Confirm the Order Now", default=True)

    @api.depends("order_id")
    def _compute_warning(self):
        for wizard in self:
            wizard.warning = wizard.order_id.in2dmm_credit_warning

    def action_approve(self):
        self.ensure_one()
        order = self.order_id
        order._in2dmm_approve(self.reason)
        if self.confirm and order.state in ("draft", "sent"):
            order.action_confirm()
        return {"type": "ir.actions.act_window_close"}
