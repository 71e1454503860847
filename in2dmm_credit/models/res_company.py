from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    in2dmm_policy_id = fields.Many2one(
        "in2dmm.policy",
        string="Default Dunning Policy",
        check_company=True,
        help="Policy used for customers that have no policy of their own and "
        "none through their customer groups.",
    )
    in2dmm_collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        help="User who gets the call actions for customers without a collector.",
    )
    in2dmm_execute_sync_limit = fields.Integer(
        string="Lines Executed in the Browser",
        default=30,
        help="Runs with more lines than this are executed in the background, "
        "with progress shown on the run.",
    )
    in2dmm_batch_size = fields.Integer(
        string="Dunning Batch Size",
        default=100,
        help="Number of dunning lines executed and committed per batch.",
    )
    # Dutch collection law
    in2dmm_costs_vat_deductible = fields.Boolean(
        string="VAT on Collection Costs Deductible",
        default=True,
        help="Leave this on when the company can deduct VAT (the usual case): the "
        "collection costs are then charged without VAT. Switch it off only when "
        "the company cannot deduct VAT; the costs are then raised by the VAT rate.",
    )
    in2dmm_costs_vat_rate = fields.Float(
        string="VAT Rate on Collection Costs (%)", default=21.0
    )
    in2dmm_wik_per_invoice = fields.Boolean(
        string="Collection Costs per Invoice",
        help="Apply the collection costs scale to each overdue invoice separately "
        "(each with its own minimum) instead of to the summed principal of the "
        "claim. The summed principal gives the lower, legally safer amount.",
    )
    in2dmm_charge_journal_id = fields.Many2one(
        "account.journal",
        string="Journal for Costs and Interest",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the invoices that book collection costs and "
        "interest. Empty: the default sales journal.",
    )
    in2dmm_costs_product_id = fields.Many2one(
        "product.product",
        string="Collection Costs Product",
        help="Its income account books the collection costs.",
    )
    in2dmm_interest_product_id = fields.Many2one(
        "product.product",
        string="Interest Product",
        help="Its income account books the statutory interest.",
    )
    in2dmm_collection_agency_id = fields.Many2one(
        "res.partner",
        string="Default Collection Agency",
        help="Agency a claim is handed over to when a dunning level hands it over.",
    )

    # Credit limits and the sale-order check
    in2dmm_limit_rule = fields.Selection(
        [
            ("own", "Own limit only"),
            ("insured", "Insured limit only"),
            ("insured_plus", "Insured limit plus discretionary amount"),
            ("lowest", "Lowest of own and insured limit"),
            ("highest", "Highest of own and insured limit"),
        ],
        string="Effective Credit Limit",
        default="own",
        required=True,
        help="How the customer's own credit limit and the limit granted by the "
        "credit insurer make the limit that sales are checked against. A limit "
        "that is not set is unknown, not zero.",
    )
    in2dmm_discretionary_amount = fields.Monetary(
        string="Discretionary Amount",
        currency_field="currency_id",
        help="Amount the insurance policy lets the company grant on its own on top "
        "of the insured limit.",
    )
    in2dmm_order_check = fields.Selection(
        [("off", "Off"), ("warn", "Warn only"), ("block", "Block")],
        string="Sale Order Credit Check",
        default="warn",
        required=True,
        help="Checked when a sale order is confirmed: exposure over the effective "
        "limit, credit hold, and invoices overdue too long.",
    )
    in2dmm_order_overdue_days = fields.Integer(
        string="Overdue Days Allowed",
        default=30,
        help="Orders are stopped when the customer has an invoice overdue longer "
        "than this. -1: not checked.",
    )
    in2dmm_limit_near_pct = fields.Float(
        string="Limit Nearly Reached At (%)",
        default=90.0,
        help="Usage of the limit from which sales people are warned and a signal "
        "is raised.",
    )
    in2dmm_credit_manager_id = fields.Many2one(
        "res.users",
        string="Credit Manager",
        help="Gets the approval requests of sales people. Empty: the default "
        "collector.",
    )
    in2dmm_insured_expiry_days = fields.Integer(
        string="Warn Before Insured Limit Ends (Days)", default=30
    )

    # Collector workflow
    in2dmm_promise_grace_days = fields.Integer(
        string="Grace Days after a Promise",
        default=3,
        help="Dunning stays held this many days after the promised date, and "
        "payments made in them still count for the promise.",
    )
    in2dmm_dispute_user_id = fields.Many2one(
        "res.users",
        string="Default Dispute Handler",
        help="Solves disputes (and complaints of customers without a salesperson) "
        "when their category names nobody. Empty: the default collector.",
    )
    in2dmm_dispute_days = fields.Integer(string="Days to Solve a Case", default=14)

    in2dmm_score_signal_steps = fields.Integer(
        string="Signal When the Score Drops By",
        default=2,
        help="Raise a signal when a customer's payment score drops by this many "
        "grades (e.g. 2: from B to D). 0: never.",
    )

    @api.model
    def _in2dmm_default_charge_products(self):
        """Give these companies (at install: all) the shipped costs and interest
        products where they have none."""
        costs = self.env.ref(
            "in2dmm_credit.product_in2dmm_collection_costs", raise_if_not_found=False
        )
        interest = self.env.ref(
            "in2dmm_credit.product_in2dmm_interest", raise_if_not_found=False
        )
        for company in self.sudo() or self.sudo().search([]):
            vals = {}
            if costs and not company.in2dmm_costs_product_id:
                vals["in2dmm_costs_product_id"] = costs.id
            if interest and not company.in2dmm_interest_product_id:
                vals["in2dmm_interest_product_id"] = interest.id
            if vals:
                company.write(vals)
        return True

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(
            lambda c: not c.in2dmm_costs_product_id or not c.in2dmm_interest_product_id
        )._in2dmm_default_charge_products()
        return companies
