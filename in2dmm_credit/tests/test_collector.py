from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestCollectorWorkflow(In2dmmCreditCommon):
    """Complaints and disputes, promises, plans, calls and the call list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.in2dmm_promise_grace_days = 2
        cls.policy.allow_level_skip = True

    def _held(self, run, move):
        item = self._line(run, move.partner_id).item_ids.filtered(
            lambda i: i.move_id == move
        )
        return item

    def _pay(self, move, amount, date=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {"amount": amount, "payment_date": date or self.today}
        ).action_create_payments()

    # ------------------------------------------------------------------
    # complaints and disputes
    # ------------------------------------------------------------------

    def test_open_dispute_holds_its_invoice_and_resolution_releases_it(self):
        disputed = self._invoice(self.customer, 800, 40)
        other = self._invoice(self.customer, 300, 40)
        category = self.env.ref("in2dmm_credit.dispute_category_price")
        category.user_id = self.collector
        dispute = self.env["in2dmm.dispute"].create(
            {
                "kind": "dispute",
                "category_id": category.id,
                "partner_id": self.customer.id,
                "description": "<p>Prijs klopt niet met de offerte</p>",
                "line_ids": [
                    Command.create({"move_id": disputed.id, "amount_disputed": 200})
                ],
            }
        )
        self.assertEqual(dispute.user_id, self.collector)  # routed by category
        self.assertEqual(dispute.activity_ids.user_id, self.collector)
        self.assertEqual(dispute.date_deadline, self.today + timedelta(days=14))
        run = self._run()
        held = self._held(run, disputed)
        self.assertEqual(held.state, "held")
        self.assertIn(dispute.name, held.hold_reason)
        self.assertEqual(self._held(run, other).state, "included")
        run.action_execute()
        # a held invoice is never dunned
        self.assertFalse(disputed.in2dmm_level_id)
        self.assertTrue(other.in2dmm_level_id)
        # resolution needs a text, then the invoice comes back
        with self.assertRaises(UserError):
            dispute.action_resolve()
        dispute.resolution = "<p>Prijs bevestigd, klant betaalt</p>"
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        run2 = self._run(date=self.today + timedelta(days=1))
        self.assertEqual(self._held(run2, disputed).state, "included")
        self.assertIn("resolved", disputed.message_ids[0].body.lower())

    def test_complaint_goes_to_the_salesperson_and_late_ones_are_flagged(self):
        inv = self._invoice(self.customer, 500, 10)
        complaint = (
            self.env["in2dmm.dispute"]
            .with_user(self.salesperson)
            .create(
                {
                    "kind": "complaint",
                    "partner_id": self.customer.id,
                    "description": "<p>Brood was niet vers</p>",
                    "line_ids": [Command.create({"move_id": inv.id})],
                }
            )
        )
        self.assertEqual(complaint.user_id, self.salesperson)
        complaint.date_deadline = self.today - timedelta(days=1)
        late = self.env["in2dmm.dispute"].search([("is_late", "=", True)])
        self.assertIn(complaint, late)
        self.env["in2dmm.dispute"]._cron_signal_late()
        signal = self.env["in2dmm.signal"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("signal_type", "=", "dispute_overdue"),
            ]
        )
        self.assertEqual(signal.cause_ref, complaint)

    def test_credit_note_settling_a_disputed_invoice_resolves_the_case(self):
        inv = self._invoice(self.customer, 400, 20)
        dispute = self.env["in2dmm.dispute"].create(
            {
                "kind": "dispute",
                "partner_id": self.customer.id,
                "description": "<p>Verkeerd aantal geleverd</p>",
                "line_ids": [Command.create({"move_id": inv.id})],
            }
        )
        inv._reverse_moves(cancel=True)
        self.assertEqual(inv.payment_state, "reversed")
        self.assertEqual(dispute.state, "resolved")
        self.assertIn("credit note", " ".join(dispute.message_ids.mapped("body")))

    # ------------------------------------------------------------------
    # promises
    # ------------------------------------------------------------------

    def test_promise_holds_dunning_until_date_plus_grace(self):
        inv = self._invoice(self.customer, 600, 30)
        self._invoice(self.customer, 50, 30)  # not promised: keeps a line
        promise = self.env["in2dmm.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(inv.ids)],
                "amount": 600,
                "date_promised": self.today + timedelta(days=5),
            }
        )
        self.assertEqual(promise.date_hold_until, self.today + timedelta(days=7))
        run = self._run()
        self.assertEqual(self._held(run, inv).state, "held")
        self.assertIn(promise.name, self._held(run, inv).hold_reason)
        run.unlink()
        # after the grace period the hold ends, even before the job ran
        later = self._run(date=self.today + timedelta(days=8))
        self.assertEqual(self._held(later, inv).state, "included")

    def test_kept_promise_and_broken_promise(self):
        kept_inv = self._invoice(self.customer, 500, 30)
        kept = self.env["in2dmm.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(kept_inv.ids)],
                "amount": 500,
                "date_promised": self.today,
            }
        )
        self._pay(kept_inv, 500)
        kept._evaluate(self.today)
        self.assertEqual(kept.state, "kept")
        self.assertEqual(kept.amount_paid, 500)
        # a kept promise stops nothing that should continue: other invoices are
        # still dunned
        other = self._invoice(self.customer, 250, 30)
        run = self._run()
        self.assertEqual(self._held(run, other).state, "included")
        run.unlink()

        self.policy.escalate_on_broken_promise = True
        broken_inv = self._invoice(self.customer, 900, 30)
        broken_inv.in2dmm_last_dunning_date = self.today - timedelta(days=1)
        broken = self.env["in2dmm.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(broken_inv.ids)],
                "amount": 900,
                "date_promised": self.today + timedelta(days=5),
                "collector_id": self.collector.id,
            }
        )
        self._pay(broken_inv, 300)
        broken._evaluate(self.today + timedelta(days=7))  # last grace day: open
        self.assertEqual(broken.state, "open")
        broken._evaluate(self.today + timedelta(days=8))
        self.assertEqual(broken.state, "partial")
        self.assertEqual(broken.amount_paid, 300)
        call = self.customer.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("in2dmm_credit.mail_activity_type_debtor_call")
            )
        )
        self.assertEqual(call.user_id, self.collector)
        self.assertFalse(broken_inv.in2dmm_last_dunning_date)  # may escalate now
        self.assertTrue(
            self.env["in2dmm.signal"].search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("signal_type", "=", "promise_broken"),
                ]
            )
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.in2dmm_promise_count, 2)
        self.assertEqual(self.customer.in2dmm_promise_kept, 1)
        self.assertEqual(self.customer.in2dmm_promise_broken, 1)

    def test_promise_confirmation_by_mail_or_letter(self):
        inv = self._invoice(self.customer, 450, 30)
        promise = self.env["in2dmm.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(inv.ids)],
                "amount": 450,
                "date_promised": self.today + timedelta(days=3),
            }
        )
        promise.action_send_confirmation()
        mail = promise.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(inv.name, mail.body)
        self.assertIn(self.customer, mail.partner_ids)
        self.assertTrue(promise.confirmation_sent)
        # without an e-mail address: a letter PDF on the customer
        self.customer.email = False
        promise.action_send_confirmation()
        letter = self.customer.message_ids[0].attachment_ids
        self.assertEqual(letter.mimetype, "application/pdf")
        self.assertIn(promise.name, letter.name)

    # ------------------------------------------------------------------
    # payment plans
    # ------------------------------------------------------------------

    def test_plan_holds_while_on_schedule_and_resumes_when_missed(self):
        inv = self._invoice(self.customer, 900, 30)
        self._invoice(self.customer, 50, 30)  # not in the plan: keeps a line
        plan = self.env["in2dmm.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(inv.ids)],
                "amount_total": 900,
                "instalment_count": 3,
                "first_date": self.today - timedelta(days=10),
                "interval_months": 1,
            }
        )
        plan.action_generate_lines()
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0, 300.0])
        plan.action_activate()
        run = self._run()
        self.assertEqual(self._held(run, inv).state, "held")
        run.unlink()
        # the first instalment (10 days ago, 2 grace days) was paid: on schedule
        self._pay(inv, 300)
        plan._evaluate(self.today)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.line_ids[0].state, "paid")
        # the second instalment passes unpaid: the plan is broken, dunning resumes
        plan._evaluate(self.today + timedelta(days=40))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.line_ids[1].state, "missed")
        run2 = self._run(date=self.today + timedelta(days=1))
        self.assertEqual(self._held(run2, inv).state, "included")

    # ------------------------------------------------------------------
    # calls
    # ------------------------------------------------------------------

    def test_call_wizard_logs_and_registers_a_promise(self):
        inv = self._invoice(self.customer, 700, 40)
        self.customer.activity_schedule(
            "in2dmm_credit.mail_activity_type_debtor_call",
            user_id=self.collector.id,
            date_deadline=self.today,
            summary="Aanmaning niet betaald",
        )
        rows = (
            self.env["in2dmm.call.worklist"]
            .with_user(self.collector)
            .search([("user_id", "=", self.collector.id)])
        )
        self.assertEqual(rows.partner_id, self.customer)
        self.assertEqual(rows.amount_overdue, 700)
        self.assertEqual(rows.max_days_overdue, 40)
        action = rows.action_call()
        wizard = (
            self.env["in2dmm.call.wizard"]
            .with_user(self.collector)
            .with_context(action["context"])
            .create(
                {
                    "outcome": "reached",
                    "notes": "Betaalt vrijdag",
                    "register": "promise",
                    "promise_amount": 700,
                    "promise_date": self.today + timedelta(days=3),
                    "next_call_date": self.today + timedelta(days=6),
                }
            )
        )
        self.assertEqual(wizard.move_ids, inv)
        result = wizard.action_log()
        promise = self.env["in2dmm.promise"].browse(result["res_id"])
        self.assertEqual(promise.amount, 700)
        self.assertEqual(promise.channel, "call")
        self.assertTrue(promise.confirmation_sent)
        self.assertEqual(self.customer.in2dmm_last_contact_date, self.today)
        self.assertIn(
            "Betaalt vrijdag", inv.message_ids[0].body + inv.message_ids[1].body
        )
        # the planned call is done, the next one is planned
        self.assertFalse(
            self.env["in2dmm.call.worklist"].search(
                [("activity_id", "=", rows.activity_id.id)]
            )
        )
        next_call = self.customer.activity_ids.filtered(
            lambda a: a.date_deadline == self.today + timedelta(days=6)
        )
        self.assertEqual(next_call.user_id, self.collector)

    def test_call_wizard_registers_a_dispute_and_a_plan(self):
        inv = self._invoice(self.customer, 1200, 40)
        wizard = self.env["in2dmm.call.wizard"].create(
            {
                "partner_id": self.customer.id,
                "outcome": "reached",
                "register": "dispute",
                "dispute_kind": "dispute",
                "dispute_description": "Levering onvolledig",
            }
        )
        dispute = self.env["in2dmm.dispute"].browse(wizard.action_log()["res_id"])
        self.assertEqual(dispute.line_ids.move_id, inv)
        with self.assertRaises(UserError):
            self.env["in2dmm.call.wizard"].create(
                {"partner_id": self.customer.id, "register": "dispute"}
            ).action_log()
        wizard = self.env["in2dmm.call.wizard"].create(
            {
                "partner_id": self.customer.id,
                "register": "plan",
                "plan_count": 4,
                "plan_first_date": self.today + timedelta(days=7),
            }
        )
        plan = self.env["in2dmm.payment.plan"].browse(wizard.action_log()["res_id"])
        self.assertEqual(plan.state, "active")
        self.assertEqual(len(plan.line_ids), 4)
        self.assertAlmostEqual(sum(plan.line_ids.mapped("amount")), 1200)

    # ------------------------------------------------------------------
    # access and companies
    # ------------------------------------------------------------------

    def test_access_and_company_rules(self):
        inv = self._invoice(self.customer, 100, 10)
        promise = self.env["in2dmm.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(inv.ids)],
                "amount": 100,
                "date_promised": self.today,
            }
        )
        # a salesperson reads promises but cannot make or change them
        self.assertEqual(promise.with_user(self.salesperson).state, "open")
        with self.assertRaises(AccessError):
            promise.with_user(self.salesperson).write({"amount": 1})
        with self.assertRaises(AccessError):
            self.env["in2dmm.call.wizard"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id}
            )
        # anyone in the company may register a complaint
        plain = self.env["res.users"].create(
            {
                "name": "Magazijn",
                "login": "in2dmm_magazijn",
                "group_ids": [Command.set([self.env.ref("base.group_user").id])],
            }
        )
        complaint = (
            self.env["in2dmm.dispute"]
            .with_user(plain)
            .create(
                {
                    "kind": "complaint",
                    "partner_id": self.customer.id,
                    "description": "<p>Pallet beschadigd</p>",
                }
            )
        )
        self.assertEqual(complaint.state, "new")
        # another company sees none of it
        outsider = self._outsider()
        for model, record in (
            ("in2dmm.promise", promise),
            ("in2dmm.dispute", complaint),
        ):
            self.assertFalse(
                self.env[model].with_user(outsider).search([("id", "=", record.id)]),
                model,
            )
        with self.assertRaises(AccessError):
            promise.with_user(outsider).read(["amount"])
