import base64
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import collection_export
from .download import url_action
from .in2dmm_customer_document_mixin import OPEN_INVOICES_DOMAIN


class In2dmmCollectionCase(models.Model):
    """Invoices handed over to a collection agency (incassobureau, deurwaarder).

    While a case is handed over its invoices are held out of our own dunning.
    """

    _name = "in2dmm.collection.case"
    _description = "Collection Case"
    _inherit = [
        "in2dmm.customer.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _in2dmm_sequence_code = "in2dmm.collection.case"
    _order = "date_handover desc, id desc"
    _check_company_auto = True

    agency_id = fields.Many2one(
        "res.partner",
        string="Collection Agency",
        tracking=True,
        help="The collection agency, bailiff or lawyer the claim is handed over to.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("handed_over", "Handed Over"),
            ("paid", "Paid"),
            ("closed", "Closed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    date_handover = fields.Date(string="Handed Over On", tracking=True, copy=False)
    move_ids = fields.Many2many(
        "account.move",
        "in2dmm_collection_case_move_rel",
        "case_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain=OPEN_INVOICES_DOMAIN,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    amount_principal = fields.Monetary(
        string="Principal",
        tracking=True,
        help="The open amount of the invoices when the case was handed over.",
    )
    amount_interest = fields.Monetary(string="Interest", tracking=True)
    amount_costs = fields.Monetary(string="Collection Costs", tracking=True)
    amount_total = fields.Monetary(string="Total Claim", compute="_compute_amounts")
    amount_open = fields.Monetary(
        string="Still Open",
        compute="_compute_amounts",
        help="Open on the invoices now.",
    )
    amount_paid_since = fields.Monetary(
        string="Paid Since Hand-over",
        compute="_compute_amounts",
        help="Payments and credit notes reconciled with the invoices on or after the "
        "hand-over date.",
    )
    payment_line_ids = fields.Many2many(
        "account.partial.reconcile",
        compute="_compute_amounts",
        string="Payments Since Hand-over",
    )
    note = fields.Html()

    @api.depends(
        "move_ids.amount_residual",
        "amount_principal",
        "amount_interest",
        "amount_costs",
        "date_handover",
    )
    def _compute_amounts(self):
        for case in self:
            case.amount_total = (
                case.amount_principal + case.amount_interest + case.amount_costs
            )
            receivable = case.move_ids.line_ids.filtered(
                lambda aml: aml.account_type == "asset_receivable"
            )
            case.amount_open = sum(receivable.mapped("amount_residual_currency"))
            partials = (receivable.matched_credit_ids).filtered(
                lambda p, d=case.date_handover: d and p.max_date >= d
            )
            case.payment_line_ids = partials
            case.amount_paid_since = sum(
                partials.mapped(
                    "debit_amount_currency"
                    if case.currency_id != case.company_id.currency_id
                    else "amount"
                )
            )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.move_ids:
            self.move_ids = self._in2dmm_overdue_moves()
        if not self.agency_id:
            self.agency_id = self.company_id.in2dmm_collection_agency_id

    @api.onchange("move_ids")
    def _onchange_move_ids(self):
        if self.state == "draft":
            self._fill_amounts()

    def _fill_amounts(self, on_date=None):
        """Principal, interest and costs from the invoices (the claim as of today)."""
        for case in self:
            charges = case.partner_id._in2dmm_charges_for(
                case.move_ids, on_date or fields.Date.context_today(case)
            )
            case.amount_principal = sum(case.move_ids.mapped("amount_residual"))
            case.amount_interest = float(charges.interest) if charges else 0.0
            case.amount_costs = float(charges.costs_total) if charges else 0.0

    def action_hand_over(self):
        for case in self:
            if not case.move_ids:
                raise UserError(
                    self.env._(
                        "Case %(case)s has no invoices to hand over.", case=case.name
                    )
                )
            if not case.agency_id:
                raise UserError(
                    self.env._(
                        "Choose the collection agency of case %(case)s first.",
                        case=case.name,
                    )
                )
            others = case.move_ids.in2dmm_collection_case_ids.filtered(
                lambda c, me=case: c != me and c.state == "handed_over"
            )
            if others:
                raise UserError(
                    self.env._(
                        "Invoices of case %(case)s are already handed over in "
                        "%(others)s.",
                        case=case.name,
                        others=", ".join(others.mapped("name")),
                    )
                )
            case.write(
                {
                    "state": "handed_over",
                    "date_handover": fields.Date.context_today(case),
                }
            )
            body = self.env._(
                "Handed over to collection agency %(agency)s in case %(case)s; "
                "our own dunning stops for this invoice.",
                agency=case.agency_id.display_name,
                case=case.name,
            )
            for move in case.move_ids:
                move.message_post(body=body)
            case.partner_id.message_post(body=body)

    def action_mark_paid(self):
        self.write({"state": "paid"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    # ------------------------------------------------------------------
    # Export for the agency
    # ------------------------------------------------------------------

    def _to_export(self):
        cases = []
        for case in self:
            partner = case.partner_id.commercial_partner_id
            today = fields.Date.context_today(case)
            charges = partner._in2dmm_charges_for(case.move_ids, today)
            interest_by_move = (
                {c.key: c.interest for c in charges.invoices} if charges else {}
            )
            cases.append(
                collection_export.CollectionCase(
                    reference=case.name,
                    creditor_name=case.company_id.name,
                    handover_date=case.date_handover or today,
                    currency_name=case.currency_id.name,
                    agency_name=case.agency_id.name or "",
                    costs=Decimal(str(case.amount_costs)),
                    debtor=collection_export.CaseDebtor(
                        name=partner.name or "",
                        ref=partner.ref or str(partner.id),
                        kvk=partner.company_registry or "",
                        vat=partner.vat or "",
                        street=" ".join(
                            filter(None, [partner.street, partner.street2])
                        ),
                        zip=partner.zip or "",
                        city=partner.city or "",
                        country_code=partner.country_id.code or "",
                        email=partner.email or "",
                        phone=partner.phone or "",
                        is_consumer=partner.in2dmm_is_consumer,
                    ),
                    invoices=[
                        collection_export.CaseInvoice(
                            number=move.name,
                            date=move.invoice_date,
                            due_date=move.invoice_date_due,
                            amount=Decimal(str(move.amount_total)),
                            residual=Decimal(str(move.amount_residual)),
                            interest=interest_by_move.get(move.id, 0),
                            reference=move.payment_reference or move.ref or "",
                        )
                        for move in case.move_ids.sorted("invoice_date_due")
                    ],
                )
            )
        return cases

    def _export_labels(self):
        _ = self.env._
        return {
            "case_reference": _("Case"),
            "creditor": _("Creditor"),
            "handover_date": _("Handed over on"),
            "currency": _("Currency"),
            "debtor_ref": _("Customer number"),
            "debtor_name": _("Debtor"),
            "debtor_type": _("Debtor type"),
            "kvk_number": _("KvK number"),
            "vat_number": _("VAT number"),
            "street": _("Street"),
            "zip": _("Postcode"),
            "city": _("City"),
            "country": _("Country"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "invoice_number": _("Invoice"),
            "invoice_date": _("Invoice date"),
            "due_date": _("Due date"),
            "invoice_amount": _("Invoice amount"),
            "open_amount": _("Open"),
            "principal": _("Principal"),
            "interest": _("Interest"),
            "costs": _("Collection costs"),
            "total": _("Total"),
            "invoice_reference": _("Payment reference"),
        }

    def _export_attachment(self, fmt):
        if fmt == "csv":
            data = collection_export.cases_csv(self._to_export())
            mimetype = "text/csv"
        else:
            data = collection_export.cases_xlsx(
                self._to_export(), self._export_labels()
            )
            mimetype = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        name = (
            (self.name if len(self) == 1 else self.env._("collection-cases"))
            + "."
            + fmt
        )
        return self.env["ir.attachment"].create(
            {
                "name": name.replace("/", "-"),
                "datas": base64.b64encode(data),
                "mimetype": mimetype,
                "res_model": self._name,
                "res_id": self[:1].id if len(self) == 1 else False,
            }
        )

    def action_export_csv(self):
        return url_action(self._export_attachment("csv"))

    def action_export_xlsx(self):
        return url_action(self._export_attachment("xlsx"))
