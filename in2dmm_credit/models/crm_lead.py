from odoo import api, fields, models
from odoo.tools.misc import formatLang

from .res_partner import CREDIT_STATUS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    in2dmm_credit_status = fields.Selection(
        CREDIT_STATUS, string="Credit Status", compute="_compute_in2dmm_credit"
    )
    in2dmm_credit_warning = fields.Char(
        string="Credit Warning", compute="_compute_in2dmm_credit"
    )

    @api.depends_context("company", "lang")
    @api.depends("partner_id", "company_id")
    def _compute_in2dmm_credit(self):
        with_partner = self.filtered("partner_id")
        (self - with_partner).in2dmm_credit_status = False
        (self - with_partner).in2dmm_credit_warning = False
        for company, leads in with_partner.grouped("company_id").items():
            company = company or self.env.company
            partners = leads.partner_id.commercial_partner_id.with_company(company)
            # one batched computation for all customers of these leads
            partners.mapped("in2dmm_credit_status")
            for lead in leads:
                partner = lead.partner_id.commercial_partner_id.with_company(company)
                status = partner.in2dmm_credit_status
                lead.in2dmm_credit_status = status
                warning = False
                if status == "hold":
                    warning = self.env._(
                        "%(customer)s is on credit hold%(reason)s: new orders need "
                        "a credit manager's approval.",
                        customer=partner.display_name,
                        reason=(": " + partner.in2dmm_credit_hold_reason)
                        if partner.in2dmm_credit_hold_reason
                        else "",
                    )
                elif status in ("overdue", "over"):
                    warning = self.env._(
                        "%(customer)s has %(amount)s overdue and uses %(usage)s%% "
                        "of its credit limit: talk to credit management before "
                        "you sell.",
                        customer=partner.display_name,
                        amount=formatLang(
                            self.env,
                            partner.in2dmm_amount_overdue,
                            currency_obj=company.currency_id,
                        ),
                        usage=round(partner.in2dmm_limit_usage),
                    )
                lead.in2dmm_credit_warning = warning
