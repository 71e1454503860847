from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.in2dmm_credit.tests.common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestPolicyRules(In2dmmCreditCommon):
    """Quotations say where the credit-insurance policy's rules are broken."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_manager")
        cls.account = cls.env["in2dmm.insurer.account"].create(
            {
                "name": "Atradius NL",
                "provider": "atradius",
                "company_id": cls.company.id,
                "max_payment_days": 60,
                "max_extension_days": 60,
                "max_discretionary_limit": 15000,
            }
        )
        cls.company.in2dmm_insurer_account_id = cls.account
        cls.env["in2dmm.insured.limit"].create(
            {
                "partner_id": cls.customer.id,
                "amount": 50000,
                "company_id": cls.company.id,
            }
        )
        cls.term_90 = cls.env["account.payment.term"].create(
            {
                "name": "90 dagen",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 90}
                    )
                ],
            }
        )
        cls.term_30 = cls.env["account.payment.term"].create(
            {
                "name": "30 dagen",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 30}
                    )
                ],
            }
        )
        cls.product = cls.product_a

    def _quotation(self, partner, term):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "payment_term_id": term.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )

    def test_a_longer_term_than_the_policy_is_not_insured(self):
        order = self._quotation(self.customer, self.term_90)
        self.assertIn("90 days", order.in2dmm_policy_warning)
        self.assertIn("not insured", order.in2dmm_policy_warning)
        self.assertFalse(
            self._quotation(self.customer, self.term_30).in2dmm_policy_warning
        )
        # changing the term in the form clears the warning
        with Form(order) as form:
            form.payment_term_id = self.term_30
        self.assertFalse(order.in2dmm_policy_warning)

    def test_beyond_the_maximum_extension_deliveries_stop(self):
        self._invoice(self.customer, 400, 75)
        order = self._quotation(self.customer, self.term_30)
        self.assertIn("75 days past due", order.in2dmm_policy_warning)
        self.assertIn("deliveries to stop", order.in2dmm_policy_warning)

    def test_own_limit_above_the_discretionary_maximum(self):
        uninsured = self._new_customer("Kapsalon Knip")
        uninsured.credit_limit = 20000
        order = self._quotation(uninsured, self.term_90)
        # not insured: the term rule does not apply, the own-limit rule does
        self.assertNotIn("not insured", order.in2dmm_policy_warning)
        self.assertIn("request an insured limit", order.in2dmm_policy_warning)
        uninsured.credit_limit = 10000
        order.invalidate_recordset(["in2dmm_policy_warning"])
        self.assertFalse(order.in2dmm_policy_warning)

    def test_no_insurer_no_warning(self):
        self.company.in2dmm_insurer_account_id = False
        self.assertFalse(
            self._quotation(self.customer, self.term_90).in2dmm_policy_warning
        )
