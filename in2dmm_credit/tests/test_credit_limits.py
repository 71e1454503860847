from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestCreditLimits(In2dmmCreditCommon):
    """Limits, exposure, the sale-order check, approvals and credit signals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "in2dmm_limit_rule": "own",
                "in2dmm_order_check": "block",
                "in2dmm_order_overdue_days": 30,
                "in2dmm_limit_near_pct": 90,
                "in2dmm_credit_manager_id": cls.env.user.id,
            }
        )
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_manager")
        cls.customer.with_company(cls.company).credit_limit = 1000.0
        cls.product = cls.product_a

    def _order(self, partner, amount, pricelist=None, user=None):
        Order = (
            self.env["sale.order"].with_user(user) if user else self.env["sale.order"]
        )
        vals = {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "product_uom_qty": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        return Order.create(vals)

    def _signals(self, partner, signal_type):
        return self.env["in2dmm.signal"].search(
            [
                ("partner_id", "=", partner.id),
                ("signal_type", "=", signal_type),
                ("state", "!=", "closed"),
            ]
        )

    # ------------------------------------------------------------------

    def test_exposure_counts_receivables_drafts_and_open_orders(self):
        self._invoice(self.customer, 300, 5)  # posted, overdue
        self._invoice(self.customer, 100, -10, post=False)  # draft invoice
        self._invoice(self.customer, 40, -10, move_type="out_refund", post=False)
        order = self._order(self.customer, 250)
        order.action_confirm()
        partner = self.customer.with_company(self.company)
        partner.invalidate_recordset()
        self.assertEqual(partner.in2dmm_exposure_receivable, 300)
        self.assertEqual(partner.in2dmm_exposure_draft, 60)
        self.assertEqual(partner.in2dmm_exposure_orders, 250)
        self.assertEqual(partner.in2dmm_exposure, 610)
        self.assertAlmostEqual(partner.in2dmm_limit_usage, 61.0)
        self.assertEqual(partner.in2dmm_credit_status, "ok")
        # invoicing the order moves the amount from "orders" to "draft" once
        invoice = order._create_invoices()
        partner.invalidate_recordset()
        self.assertEqual(partner.in2dmm_exposure_orders, 0)
        self.assertEqual(partner.in2dmm_exposure_draft, 310)
        self.assertEqual(partner.in2dmm_exposure, 610)
        invoice.action_post()
        partner.invalidate_recordset()
        self.assertEqual(partner.in2dmm_exposure_receivable, 550)
        self.assertEqual(partner.in2dmm_exposure, 610)

    def test_exposure_of_an_order_in_another_currency(self):
        usd = self.setup_other_currency("USD")  # 1 EUR = 2 USD
        pricelist = self.env["product.pricelist"].create(
            {"name": "USD", "currency_id": usd.id, "company_id": self.company.id}
        )
        order = self._order(self.customer, 900, pricelist=pricelist)
        self.assertEqual(order.currency_id, usd)
        order.action_confirm()
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(
            self.customer.with_company(self.company).in2dmm_exposure_orders, 450, 2
        )

    def test_effective_limit_rules(self):
        partner = self.customer.with_company(self.company)
        self.env["in2dmm.insured.limit"].create(
            {
                "partner_id": self.customer.id,
                "amount": 600,
                "company_id": self.company.id,
            }
        )
        expected = {
            "own": 1000,
            "insured": 600,
            "insured_plus": 850,
            "lowest": 600,
            "highest": 1000,
        }
        self.company.in2dmm_discretionary_amount = 250
        for rule, limit in expected.items():
            self.company.in2dmm_limit_rule = rule
            partner.invalidate_recordset()
            self.assertEqual(partner.in2dmm_effective_limit, limit, rule)
        # no own limit and rule "own": nothing to check
        self.company.in2dmm_limit_rule = "own"
        partner.credit_limit = 0
        partner.invalidate_recordset()
        self.assertFalse(partner.in2dmm_has_limit)
        self.assertEqual(partner.in2dmm_credit_status, "none")

    def test_order_over_the_limit_is_blocked_with_the_excess(self):
        self._invoice(self.customer, 800, -5)
        order = self._order(self.customer, 300)
        self.assertTrue(order.in2dmm_credit_blocked)
        self.assertIn("100", order.in2dmm_credit_warning)
        with self.assertRaisesRegex(UserError, "by .*100"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        # within the limit: confirmed, with a "nearly reached" warning as signal
        small = self._order(self.customer, 150)
        self.assertFalse(small.in2dmm_credit_blocked)
        self.assertIn("95.0%", small.in2dmm_credit_warning)
        # numbers in the reader's language
        self.env["res.lang"]._activate_lang("nl_NL")
        self.assertIn("95,0%", small.with_context(lang="nl_NL").in2dmm_credit_warning)
        small.action_confirm()
        self.assertEqual(small.state, "sale")
        self.assertEqual(len(self._signals(self.customer, "limit_near")), 1)

    def test_warn_mode_confirms_and_logs(self):
        self.company.in2dmm_order_check = "warn"
        self._invoice(self.customer, 800, -5)
        order = self._order(self.customer, 300)
        self.assertFalse(order.in2dmm_credit_blocked)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("credit warning", order.message_ids[:3].mapped("body")[0] or "")
        signal = self._signals(self.customer, "limit_exceeded")
        self.assertEqual(signal.severity, "critical")
        self.assertEqual(signal.cause_ref, order)

    def test_check_off_confirms_anything(self):
        self.company.in2dmm_order_check = "off"
        self._invoice(self.customer, 5000, 90)
        order = self._order(self.customer, 5000)
        self.assertFalse(order.in2dmm_credit_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_credit_hold_and_overdue_block(self):
        partner = self.customer.with_company(self.company)
        partner.write(
            {
                "in2dmm_credit_hold": True,
                "in2dmm_credit_hold_reason": "Faillissement aangevraagd",
            }
        )
        order = self._order(self.customer, 10)
        with self.assertRaisesRegex(UserError, "Faillissement aangevraagd"):
            order.action_confirm()
        partner.in2dmm_credit_hold = False
        self._invoice(self.customer, 50, 45)
        order.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "45 days overdue"):
            order.action_confirm()
        self.company.in2dmm_order_overdue_days = 60
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_several_orders_of_one_customer_count_together(self):
        self._invoice(self.customer, 500, -5)
        first = self._order(self.customer, 300)
        second = self._order(self.customer, 300)
        # each fits on its own, together they do not
        self.assertFalse(first.in2dmm_credit_blocked)
        self.assertFalse(second.in2dmm_credit_blocked)
        with self.assertRaisesRegex(UserError, second.name):
            (first | second).action_confirm()

    def test_salesperson_asks_and_manager_approves(self):
        self._invoice(self.customer, 900, -5)
        order = self._order(self.customer, 400, user=self.salesperson)
        as_sales = order.with_user(self.salesperson)
        with self.assertRaises(UserError):
            as_sales.action_confirm()
        as_sales.action_in2dmm_request_approval()
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("in2dmm_credit.mail_activity_type_credit_approval")
            )
        )
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn("300", activity.note)
        # a salesperson cannot approve
        with self.assertRaises(AccessError):
            as_sales._in2dmm_approve("I promise")
        wizard = self.env["in2dmm.credit.approval"].create(
            {"order_id": order.id, "reason": "Bankgarantie ontvangen"}
        )
        self.assertIn("300", wizard.warning)
        wizard.action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.in2dmm_credit_approved_by, self.env.user)
        self.assertIn("Bankgarantie ontvangen", order.message_ids.mapped("body")[1])
        self.assertFalse(order.activity_ids)
        self.assertTrue(self._signals(self.customer, "limit_exceeded"))

    def test_approval_covers_the_approved_amount_only(self):
        self._invoice(self.customer, 900, -5)
        order = self._order(self.customer, 400)
        order._in2dmm_approve("Vooruitbetaling")
        self.assertFalse(order.in2dmm_credit_blocked)
        order.order_line.price_unit = 600
        order.invalidate_recordset()
        self.assertTrue(order.in2dmm_credit_blocked)
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_daily_limit_signals_are_deduplicated(self):
        self._invoice(self.customer, 1200, 5)
        Partner = self.env["res.partner"]
        Partner._cron_in2dmm_limit_signals()
        Partner._cron_in2dmm_limit_signals()
        signal = self._signals(self.customer, "limit_exceeded")
        self.assertEqual(len(signal), 1)
        self.assertEqual(signal.raised_count, 2)
        self.assertIn("120", signal.description)

    def test_insured_limit_history_reduction_withdrawal_and_expiry(self):
        Limit = self.env["in2dmm.insured.limit"]
        first = Limit.create({"partner_id": self.customer.id, "amount": 5000})
        second = Limit.create({"partner_id": self.customer.id, "amount": 3000})
        self.assertEqual(first.state, "replaced")
        self.assertEqual(second.state, "active")
        reduced = self._signals(self.customer, "insured_limit_reduced")
        self.assertIn("3", reduced.description)
        self.assertEqual(
            self.customer.with_company(self.company).in2dmm_insured_limit, 3000
        )
        second.action_withdraw()
        self.assertTrue(self._signals(self.customer, "insured_limit_withdrawn"))
        self.customer.invalidate_recordset()
        self.assertEqual(
            self.customer.with_company(self.company).in2dmm_insured_limit, 0
        )
        Limit.create(
            {
                "partner_id": self.customer.id,
                "amount": 2000,
                "valid_until": self.today + timedelta(days=10),
            }
        )
        Limit._cron_signal_expiring()
        self.assertTrue(self._signals(self.customer, "insured_limit_expiring"))
        with self.assertRaisesRegex(Exception, "ends before it starts"):
            Limit.create(
                {
                    "partner_id": self.customer.id,
                    "amount": 1,
                    "valid_until": self.today - timedelta(days=10),
                }
            )

    def test_master_data_changes_raise_a_signal(self):
        self.customer.customer_rank = 1
        self.customer.write({"street": "Oudegracht 14", "phone": "+31 30 1234567"})
        signal = self._signals(self.customer, "master_data_changed")
        self.assertIn("Oudegracht 12", signal.description)
        self.assertIn("Oudegracht 14", signal.description)
        self.env["res.partner.bank"].create(
            {"partner_id": self.customer.id, "acc_number": "NL91ABNA0417164300"}
        )
        signal.invalidate_recordset()
        self.assertEqual(signal.raised_count, 2)
        self.assertIn("NL91 ABNA 0417 1643 00", signal.description)
        # a non-customer changes nothing
        vendor = self.env["res.partner"].create({"name": "Leverancier"})
        vendor.street = "Elders 1"
        self.assertFalse(self._signals(vendor, "master_data_changed"))

    def test_lead_and_quotation_show_the_credit_status(self):
        partner = self.customer.with_company(self.company)
        partner.write(
            {"in2dmm_credit_hold": True, "in2dmm_credit_hold_reason": "Curatele"}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Nieuwe keuken",
                "type": "opportunity",
                "partner_id": self.customer.id,
            }
        )
        self.assertEqual(lead.in2dmm_credit_status, "hold")
        self.assertIn("Curatele", lead.in2dmm_credit_warning)
        quotation = self._order(self.customer, 100)
        self.assertEqual(quotation.in2dmm_credit_status, "hold")
        self.assertTrue(quotation.in2dmm_credit_blocked)
        # credit management sees the commercial side
        partner.invalidate_recordset()
        self.assertIn(lead, partner.in2dmm_opportunity_ids)
        self.assertIn(quotation, partner.in2dmm_quotation_ids)

    def test_salesperson_cannot_lift_a_credit_hold(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesperson).with_company(
                self.company
            ).in2dmm_credit_hold = True

    def test_exposure_is_per_company(self):
        self._invoice(self.customer, 700, 5)
        other = self.env["res.company"].create(
            {"name": "Filiaal Zuid B.V.", "currency_id": self.company.currency_id.id}
        )
        self.env["in2dmm.insured.limit"].create(
            {
                "partner_id": self.customer.id,
                "amount": 99,
                "company_id": self.company.id,
            }
        )
        in_other = self.customer.with_company(other)
        self.assertEqual(in_other.in2dmm_exposure, 0)
        self.assertEqual(in_other.in2dmm_insured_limit, 0)
        self.assertFalse(in_other.in2dmm_has_limit)  # own limit is per company too
        self.assertEqual(self.customer.with_company(self.company).in2dmm_exposure, 700)
