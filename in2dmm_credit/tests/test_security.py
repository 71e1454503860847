from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestDunningSecurity(In2dmmCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesperson = cls._new_user(
            "other_sales", "sales_team.group_sale_salesman"
        )
        cls.foreign = cls._new_customer(
            "Transport Hendriks", user_id=cls.other_salesperson.id
        )
        cls._invoice(cls.customer, 500, 10)
        cls._invoice(cls.foreign, 700, 10)

    def test_salesperson_reads_own_customers_only_and_changes_nothing(self):
        run = self._run()
        self.assertEqual(len(run.line_ids), 2)
        lines = self.env["in2dmm.dunning.line"].with_user(self.salesperson).search([])
        self.assertEqual(lines.partner_id, self.customer)
        self.assertTrue(lines.amount_to_pay)
        with self.assertRaises(AccessError):
            lines.write({"channel_call": True})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesperson).write({"in2dmm_no_dunning": True})
        with self.assertRaises(AccessError):
            self.env["in2dmm.dunning.run"].with_user(self.salesperson).create({})

    def test_controller_runs_dunning_but_cannot_change_policies(self):
        run = (
            self.env["in2dmm.dunning.run"]
            .with_user(self.collector)
            .create({"company_id": self.company.id})
        )
        run.action_compute()
        self.assertEqual(len(run.line_ids), 2)
        with self.assertRaises(AccessError):
            self.policy.with_user(self.collector).write({"name": "Mine"})
        self.customer.with_user(self.collector).with_company(self.company).write(
            {"in2dmm_no_dunning": True, "in2dmm_no_dunning_reason": "Agreed"}
        )

    def test_multi_company_isolation(self):
        other = self.setup_other_company()["company"]
        policy_b = self.env["in2dmm.policy"].create(
            {
                "name": "B policy",
                "company_id": other.id,
                "level_ids": [Command.create(self._level_vals(1, "B reminder", 1))],
            }
        )
        other.in2dmm_policy_id = policy_b
        run_b = (
            self.env["in2dmm.dunning.run"]
            .with_company(other)
            .create({"company_id": other.id})
        )
        run_b.action_compute()
        self.assertFalse(run_b.line_ids, "company B sees none of company A's invoices")
        run_a = self._run()
        self.assertEqual(len(run_a.line_ids), 2)
        # a controller of company A only cannot read company B's runs
        self.assertFalse(
            self.env["in2dmm.dunning.run"]
            .with_user(self.collector)
            .search([("id", "=", run_b.id)])
        )
        with self.assertRaises(AccessError):
            run_b.with_user(self.collector).read(["name"])
