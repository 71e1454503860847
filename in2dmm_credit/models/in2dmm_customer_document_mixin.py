from odoo import api, fields, models

#: the customer's open invoices, as the domain of an ``Invoices`` field on a
#: document with a ``partner_id`` (promise, plan, case, call)
OPEN_INVOICES_DOMAIN = (
    "[('commercial_partner_id', '=', partner_id), "
    "('move_type', 'in', ('out_invoice', 'out_receipt')), "
    "('state', '=', 'posted'), "
    "('payment_state', 'in', ('not_paid', 'partial'))]"
)


class In2dmmCustomerDocumentMixin(models.AbstractModel):
    """What the collector's documents share (collection case, complaint or
    dispute, promise, payment plan): a number from a sequence, a company and a
    customer (always its commercial entity)."""

    _name = "in2dmm.customer.document.mixin"
    _description = "Credit Management Customer Document"
    _check_company_auto = True
    #: ir.sequence code that numbers the documents
    _in2dmm_sequence_code = None

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if vals.get("name", "/") == "/" and self._in2dmm_sequence_code:
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code(self._in2dmm_sequence_code)
                    or "/"
                )
            partner = Partner.browse(vals.get("partner_id"))
            if partner and partner.commercial_partner_id != partner:
                vals["partner_id"] = partner.commercial_partner_id.id
        return super().create(vals_list)

    def _in2dmm_overdue_moves(self):
        """The customer's overdue invoices (to prefill a new document)."""
        self.ensure_one()
        if not self.partner_id:
            return self.env["account.move"]
        return self.env["account.move"].search(
            self.partner_id._in2dmm_overdue_invoice_domain()
        )
