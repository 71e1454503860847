import base64
from datetime import timedelta
from io import BytesIO
from unittest.mock import patch

from PyPDF2 import PdfReader

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.in2dmm_credit.models.in2dmm_dunning_line import In2dmmDunningLine
from odoo.addons.mail.tests.common import MailCase

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestDunningExecute(In2dmmCreditCommon, MailCase):
    def _pdf_text(self, data):
        reader = PdfReader(BytesIO(data))
        return "\n".join(page.extract_text() for page in reader.pages)

    def test_execute_sends_mail_letter_activities_and_logs(self):
        inv = self._invoice(self.customer, 1210, 40)
        inv.in2dmm_level_id = self.level2
        other_inv = self._invoice(self.customer, 300, 9)
        run = self._run()
        line = self._line(run, self.customer)
        self.assertEqual(line.level_id, self.level3)
        with self.mock_mail_gateway():
            run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(run.state, "done")
        self.assertEqual(line.state, "done")
        # invoice levels: each invoice gets the level it reached
        self.assertEqual(inv.in2dmm_level_id, self.level3)
        self.assertEqual(other_inv.in2dmm_level_id, self.level1)
        self.assertEqual(inv.in2dmm_last_dunning_date, self.today)
        # the e-mail is queued through Odoo mail, with the PDF letter attached
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn("Notice of default", mail.subject)
        self.assertIn(inv.name, mail.body_html)
        pdf = base64.b64decode(mail.attachment_ids.datas)
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = self._pdf_text(pdf)
        self.assertIn(inv.name, text)
        self.assertIn(other_inv.name, text)
        self.assertIn("Bakkerij De Gouden Korst", text)
        # one merged printable PDF for the run (letter channel at level 3)
        self.assertTrue(run.letters_attachment_id)
        merged = self._pdf_text(base64.b64decode(run.letters_attachment_id.datas))
        self.assertIn(inv.name, merged)
        # call action for the collector, notice for the salesperson
        call_type = self.env.ref("in2dmm_credit.mail_activity_type_debtor_call")
        sales_type = self.env.ref("in2dmm_credit.mail_activity_type_salesperson_notice")
        activities = self.customer.activity_ids
        call = activities.filtered(lambda a: a.activity_type_id == call_type)
        notice = activities.filtered(lambda a: a.activity_type_id == sales_type)
        self.assertEqual(call.user_id, self.collector)
        self.assertEqual(notice.user_id, self.salesperson)
        self.assertIn(inv.name, str(notice.note))
        # chatter of the partner and of both invoices
        self.assertEqual(line.mail_message_id.res_id, self.customer.id)
        for move in inv | other_inv:
            self.assertTrue(
                move.message_ids.filtered(lambda m: run.name in str(m.body)),
                "the invoice chatter mentions the run",
            )

    def test_recompute_same_date_proposes_nothing_already_executed(self):
        self._invoice(self.customer, 500, 10)
        run = self._run()
        run.with_context(in2dmm_sync=True).action_execute()
        run2 = self._run()
        self.assertFalse(run2.line_ids)

    def test_execute_twice_sends_nothing_twice(self):
        self._invoice(self.customer, 500, 10)
        run = self._run()
        run_b = self._run()  # a second run computed for the same day
        with self.mock_mail_gateway():
            run.with_context(in2dmm_sync=True).action_execute()
            with self.assertRaises(UserError):
                run.with_context(in2dmm_sync=True).action_execute()
            run_b.with_context(in2dmm_sync=True).action_execute()
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )
        self.assertEqual(len(mails), 1)
        line_b = self._line(run_b, self.customer)
        self.assertEqual(line_b.state, "excluded")
        self.assertTrue(line_b.exclude_reason)

    def test_concurrent_execution_is_refused(self):
        self._invoice(self.customer, 500, 10)
        run = self._run()
        with patch.object(
            type(run), "try_lock_for_update", lambda self, **kw: self.browse()
        ):
            with self.assertRaises(UserError):
                run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(run.state, "computed")
        self.assertEqual(run.line_ids.state, "proposed")

    def test_one_bad_line_does_not_stop_the_run(self):
        bad = self._new_customer("Restaurant De Waag")
        self._invoice(self.customer, 500, 10)
        self._invoice(bad, 500, 10)
        run = self._run()
        original = In2dmmDunningLine._post_on_partner

        def flaky(line, attachment):
            if line.partner_id == bad:
                raise ValueError("mail server exploded")
            return original(line, attachment)

        with patch.object(In2dmmDunningLine, "_post_on_partner", flaky):
            run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(self._line(run, self.customer).state, "done")
        bad_line = self._line(run, bad)
        self.assertEqual(bad_line.state, "failed")
        self.assertIn("mail server exploded", bad_line.error)
        self.assertFalse(bad_line.item_ids.move_id.in2dmm_level_id, "rolled back")
        # a retry later succeeds
        bad_line.action_retry()
        self.assertEqual(bad_line.state, "done")
        self.assertEqual(bad_line.item_ids.move_id.in2dmm_level_id, self.level1)

    def test_review_needed_before_execute(self):
        self.level1.manual_review = True
        self._invoice(self.customer, 500, 10)
        run = self._run()
        with self.assertRaises(UserError):
            run.with_context(in2dmm_sync=True).action_execute()
        run.line_ids.action_mark_reviewed()
        run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(run.line_ids.state, "done")

    def test_excluded_line_and_item_in_review(self):
        inv_a = self._invoice(self.customer, 500, 10)
        inv_b = self._invoice(self.customer, 400, 12)
        other = self._new_customer("Hotel Zeezicht")
        self._invoice(other, 500, 10)
        run = self._run()
        self._line(run, other).action_exclude()
        line = self._line(run, self.customer)
        line.item_ids.filtered(lambda i: i.move_id == inv_b).action_exclude()
        self.assertAlmostEqual(line.amount_to_pay, 500)
        run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(inv_a.in2dmm_level_id, self.level1)
        self.assertFalse(inv_b.in2dmm_level_id)
        self.assertEqual(self._line(run, other).state, "excluded")
        self.assertFalse(other.activity_ids)

    def test_no_email_address_falls_back_to_letter(self):
        self.customer.email = False
        self._invoice(self.customer, 500, 10)
        run = self._run()
        run.with_context(in2dmm_sync=True).action_execute()
        line = run.line_ids
        self.assertEqual(line.state, "done")
        self.assertTrue(line.channel_letter)
        self.assertTrue(run.letters_attachment_id)
        self.assertIn("No e-mail address", str(line.mail_message_id.body))

    def test_large_run_executes_in_background_batches(self):
        self.company.in2dmm_execute_sync_limit = 1
        self.company.in2dmm_batch_size = 2
        partners = self.customer
        for name in ("A B.V.", "B B.V.", "C B.V.", "D B.V."):
            partners |= self._new_customer(name)
        for partner in partners:
            self._invoice(partner, 500, 10)
        run = self._run()
        run.action_execute()
        self.assertEqual(run.state, "executing")
        self.assertEqual(run.done_count, 0)
        calls = []

        def fake_commit(cron, processed=0, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            return 100.0

        with patch.object(type(self.env["ir.cron"]), "_commit_progress", fake_commit):
            self.env["in2dmm.dunning.run"]._cron_execute_pending()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.done_count, 5)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual([c[0] for c in calls[:3]], [2, 2, 1])

    def test_automatic_policy_runs_daily(self):
        self.policy.auto_run = True
        self.level1.manual_review = True  # automatic runs do not wait for review
        self._invoice(self.customer, 500, 10)
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 100.0
        ):
            self.env["in2dmm.dunning.run"]._cron_auto_run()
            self.env["in2dmm.dunning.run"]._cron_auto_run()  # same day: nothing new
        runs = self.env["in2dmm.dunning.run"].search([("automatic", "=", True)])
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs.state, "done")
        self.assertEqual(runs.line_ids.state, "done")

    def test_letter_in_partner_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.customer.lang = "nl_NL"
        self._invoice(self.customer, 1234.56, 10)
        run = self._run()
        letter = run.line_ids._prepare_letters()[0]
        self.assertEqual(letter.lang, "nl_NL")
        self.assertIn("1.234,56", letter.subject)
        self.assertEqual(letter.recipient_lines[0], "Bakkerij De Gouden Korst")
        self.assertIn("3511 AB  UTRECHT", letter.recipient_lines)
        self.assertEqual(
            letter.company.iban, self.company.partner_id.bank_ids[:1].acc_number or ""
        )

    def test_next_level_respects_interval(self):
        self.policy.min_interval_days = 7
        inv = self._invoice(self.customer, 500, 30)
        run = self._run()
        run.with_context(in2dmm_sync=True).action_execute()
        self.assertEqual(inv.in2dmm_level_id, self.level1)
        self.assertFalse(self._run(self.today + timedelta(days=3)).line_ids)
        line = self._run(self.today + timedelta(days=7)).line_ids
        self.assertEqual(line.level_id, self.level2)

    def test_background_run_writes_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env.user.lang = "nl_NL"
        self.company.in2dmm_execute_sync_limit = 0
        inv = self._invoice(self.customer, 500, 40)
        inv.in2dmm_level_id = self.level2
        self.level3.with_context(lang="nl_NL").name = "Ingebrekestelling"
        run = self._run()
        run.action_execute()
        self.assertEqual(run.state, "executing")
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 100.0
        ):
            # the cron runs as OdooBot, in English
            self.env["in2dmm.dunning.run"].with_user(
                self.env.ref("base.user_root")
            ).with_context(lang="en_US")._cron_execute_pending()
        self.assertEqual(run.state, "done")
        call = self.customer.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("in2dmm_credit.mail_activity_type_debtor_call")
            )
        )
        self.assertIn("Ingebrekestelling", call.summary)
        log = inv.message_ids.filtered(lambda m: run.name in str(m.body))
        self.assertIn("Ingebrekestelling", str(log.body))
        self.assertEqual(log.author_id, self.env.user.partner_id)

    def test_dunned_invoice_can_be_reset_to_draft_and_changed(self):
        inv = self._invoice(self.customer, 500, 10)
        run = self._run()
        run.with_context(in2dmm_sync=True).action_execute()
        item = run.line_ids.item_ids
        inv.button_draft()
        inv.write({"invoice_date_due": self.today, "invoice_payment_term_id": False})
        inv.invoice_line_ids.price_unit = 450
        inv.action_post()
        self.assertTrue(item.exists(), "the dunning history stays")
        self.assertEqual(item.move_id, inv)
        self.assertEqual(inv.in2dmm_level_id, self.level1)
        # deleting the invoice (draft again) takes its history along
        inv.button_draft()
        inv.unlink()
        self.assertFalse(item.exists())
