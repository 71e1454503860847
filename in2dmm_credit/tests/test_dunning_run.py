from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestDunningCompute(In2dmmCreditCommon):
    def test_levels_and_one_line_per_customer(self):
        inv_old = self._invoice(self.customer, 500, 10)
        inv_recent = self._invoice(self.customer, 300, 3)
        inv_future = self._invoice(self.customer, 200, -10)
        other = self._new_customer("Groothandel Bakker")
        self._invoice(other, 100, 5)  # not yet at the first level
        run = self._run()
        self.assertEqual(run.state, "computed")
        line = self._line(run, self.customer)
        self.assertEqual(len(run.line_ids), 1, "only the customer with a level due")
        self.assertEqual(line.level_id, self.level1)
        self.assertEqual(line.item_ids.move_id, inv_old | inv_recent)
        self.assertNotIn(inv_future, line.item_ids.move_id)
        old_item = line.item_ids.filtered(lambda i: i.move_id == inv_old)
        self.assertEqual(old_item.days_overdue, 10)
        self.assertTrue(old_item.escalated)
        self.assertFalse(
            line.item_ids.filtered(lambda i: i.move_id == inv_recent).escalated
        )
        self.assertAlmostEqual(line.amount_to_pay, 800)
        self.assertEqual(line.collector_id, self.collector)
        self.assertTrue(line.channel_email)
        self.assertFalse(line.channel_letter)

    def test_one_level_per_run_then_next(self):
        inv = self._invoice(self.customer, 500, 40)
        run = self._run()
        self.assertEqual(self._line(run, self.customer).level_id, self.level1)
        run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(inv.in2dmm_level_id, self.level1)
        # the next day the invoice climbs one level, not straight to the last
        run2 = self._run(self.today + timedelta(days=1))
        self.assertEqual(self._line(run2, self.customer).level_id, self.level2)

    def test_skip_levels_when_policy_allows(self):
        self.policy.allow_level_skip = True
        self._invoice(self.customer, 500, 40)
        run = self._run()
        self.assertEqual(self._line(run, self.customer).level_id, self.level3)

    def test_credit_note_and_payment_reduce_amount(self):
        inv = self._invoice(self.customer, 1000, 25)
        self._invoice(self.customer, 150, 0, move_type="out_refund")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=inv.ids
        ).create(
            {"amount": 100, "payment_difference_handling": "open"}
        )._create_payments()
        run = self._run()
        line = self._line(run, self.customer)
        self.assertAlmostEqual(line.amount_overdue, 900)
        self.assertAlmostEqual(line.amount_credit, -150)
        self.assertAlmostEqual(line.amount_to_pay, 750)
        credit = line.item_ids.filtered(lambda i: i.kind == "credit")
        self.assertEqual(len(credit), 1)

    def test_minimum_amount_of_level(self):
        inv = self._invoice(self.customer, 40, 25)
        inv.in2dmm_level_id = self.level1
        self.assertFalse(self._run().line_ids, "40 is under the minimum of 50")
        self._invoice(self.customer, 20, 3)
        line = self._run().line_ids
        self.assertEqual(line.level_id, self.level2)
        self.assertAlmostEqual(line.amount_to_pay, 60)

    def test_excluded_partner_and_invoice_never_appear(self):
        self._invoice(self.customer, 500, 10)
        other = self._new_customer("Café Het Hoekje")
        excluded_inv = self._invoice(other, 700, 10)
        excluded_inv.write(
            {"in2dmm_excluded": True, "in2dmm_exclude_reason": "Agreed otherwise"}
        )
        third = self._new_customer("Hotel Zeezicht")
        self._invoice(third, 900, 10)
        third.with_company(self.company).write(
            {"in2dmm_no_dunning": True, "in2dmm_no_dunning_reason": "Government"}
        )
        run = self._run()
        self.assertEqual(run.line_ids.partner_id, self.customer)

    def test_contact_invoices_belong_to_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Jan",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "jan@example.com",
            }
        )
        self._invoice(contact, 500, 10)
        self._invoice(self.customer, 200, 12)
        run = self._run()
        self.assertEqual(len(run.line_ids), 1)
        self.assertEqual(run.line_ids.partner_id, self.customer)
        self.assertEqual(len(run.line_ids.item_ids), 2)
        self.assertEqual(run.line_ids._get_contact(), contact)

    def test_policy_resolution(self):
        group = self.env["res.partner.category"].create({"name": "Bouw"})
        group_policy = self.policy.copy({"name": "Construction"})
        group_policy.level_ids = [
            Command.create(self._level_vals(1, "Bouw reminder", 3, email=True))
        ]
        group_policy.category_ids = group
        own_policy = self.policy.copy({"name": "Own"})
        own_policy.level_ids = [
            Command.create(self._level_vals(1, "Own reminder", 1, email=True))
        ]
        by_group = self._new_customer("Bouwbedrijf Jansen", category_id=group.ids)
        by_own = self._new_customer("Dakdekker Smit", category_id=group.ids)
        by_own.with_company(self.company).in2dmm_policy_id = own_policy
        for partner in (self.customer, by_group, by_own):
            self._invoice(partner, 500, 5)
        run = self._run()
        # 5 days: the default policy (7 days) proposes nothing for the customer
        self.assertFalse(self._line(run, self.customer))
        self.assertEqual(self._line(run, by_group).policy_id, group_policy)
        self.assertEqual(self._line(run, by_own).policy_id, own_policy)
        self.assertEqual(by_group.in2dmm_effective_policy_id, group_policy)
        self.assertEqual(self.customer.in2dmm_effective_policy_id, self.policy)

    def test_pre_due_friendly_reminder(self):
        self.policy.level_ids = [
            Command.create(self._level_vals(0, "Friendly", -3, email=True))
        ]
        inv = self._invoice(self.customer, 300, -2)
        self._invoice(self.customer, 300, -10)
        run = self._run()
        line = self._line(run, self.customer)
        self.assertEqual(line.level_id.name, "Friendly")
        self.assertEqual(line.item_ids.move_id, inv)

    def test_recompute_replaces_proposal_and_no_company_policy_error(self):
        self._invoice(self.customer, 500, 10)
        run = self._run()
        first_lines = run.line_ids
        run.action_compute()
        self.assertFalse(
            first_lines.exists(), "a new computation replaces the proposal"
        )
        self.assertEqual(len(run.line_ids), 1)
        self.company.in2dmm_policy_id = False
        self.policy.active = False
        run2 = self.env["in2dmm.dunning.run"].create({"company_id": self.company.id})
        with self.assertRaises(UserError):
            run2.action_compute()

    def test_change_level_in_review(self):
        inv = self._invoice(self.customer, 500, 25)
        inv.in2dmm_level_id = self.level1
        run = self._run()
        line = self._line(run, self.customer)
        self.assertEqual(line.level_id, self.level2)
        line.level_id = self.level3
        item = line.item_ids.filtered(lambda i: i.move_id == inv)
        self.assertEqual(item.level_id, self.level3)
        run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(inv.in2dmm_level_id, self.level3)

    def test_level_validation(self):
        with self.assertRaises(ValidationError):
            self.level2.days = 3  # below level 1's seven days
        with self.assertRaises(ValidationError):
            self.level1.letter_subject = "Pay {unknown_thing}"
        with self.assertRaises(ValidationError):
            self.level1.letter_body_before = "Broken {placeholder"

    def test_bulk_values_match_orm(self):
        """Lines are written with bulk SQL: their stored values equal the ORM's."""
        other = self._new_customer("Hotel 'Zeezicht' \\ Strand\tpaviljoen 100%")
        self._invoice(self.customer, 1000, 40).in2dmm_level_id = self.level2
        self._invoice(self.customer, 250.55, 9)
        self._invoice(self.customer, 120, 0, move_type="out_refund")
        self._invoice(other, 77.7, 8)
        run = self._run()
        lines = run.line_ids
        self.assertEqual(len(lines), 2)
        fnames = [
            "amount_overdue",
            "amount_credit",
            "amount_to_pay",
            "amount_to_pay_company",
            "invoice_count",
            "max_days_overdue",
            "has_held_items",
            "company_id",
            "date",
            "partner_name",
            "level_sequence",
        ]
        stored = {line.id: line.read(fnames)[0] for line in lines}
        lines.invalidate_recordset()
        Line = self.env["in2dmm.dunning.line"]
        for fname in fnames:
            self.env.add_to_compute(Line._fields[fname], lines)
        lines._recompute_recordset()
        for line in lines:
            recomputed = line.read(fnames)[0]
            self.assertEqual(stored[line.id], recomputed)
        items = lines.item_ids
        self.assertEqual(items.run_id, run)
        self.assertEqual(items.company_id, self.company)
        self.assertEqual(len(self._line(run, self.customer).item_ids), 3)
        self.assertEqual(self._line(run, other).partner_name, other.name)
