from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestSignal(In2dmmCreditCommon):
    def test_one_open_signal_per_customer_and_type(self):
        Signal = self.env["in2dmm.signal"]
        contact = self.env["res.partner"].create(
            {"name": "Jan", "parent_id": self.customer.id}
        )
        first = Signal._raise_signal(
            contact, "master_data_changed", severity="info", description="Name changed"
        )
        self.assertEqual(first.partner_id, self.customer, "on the commercial entity")
        self.assertEqual(first.responsible_id, self.collector)
        activity = first.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("in2dmm_credit.mail_activity_type_signal"),
        )
        again = Signal._raise_signal(
            self.customer,
            "master_data_changed",
            severity="critical",
            description="Address changed",
        )
        self.assertEqual(again, first)
        self.assertEqual(first.raised_count, 2)
        self.assertEqual(first.severity, "critical", "severity only goes up")
        Signal._raise_signal(self.customer, "master_data_changed", severity="info")
        self.assertEqual(first.severity, "critical")
        self.assertEqual(len(first.activity_ids), 1, "no second activity")
        other_type = Signal._raise_signal(self.customer, "limit_near")
        self.assertNotEqual(other_type, first)
        self.assertEqual(self.customer.in2dmm_signal_count, 2)
        self.assertEqual(contact.in2dmm_signal_count, 2)
        action = self.customer.action_in2dmm_open_signals()
        self.assertEqual(
            self.env["in2dmm.signal"].search(action["domain"]), first | other_type
        )
        first.action_close()
        self.customer.invalidate_recordset(["in2dmm_signal_count"])
        self.assertEqual(self.customer.in2dmm_signal_count, 1)
        self.assertFalse(first.activity_ids, "closing marks the activity done")
        new = Signal._raise_signal(self.customer, "master_data_changed")
        self.assertNotEqual(new, first)
        self.assertEqual(new.state, "new")

    def test_database_refuses_a_second_open_signal(self):
        Signal = self.env["in2dmm.signal"]
        Signal._raise_signal(self.customer, "promise_broken")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Signal.create(
                    {"partner_id": self.customer.id, "signal_type": "promise_broken"}
                )

    def test_signals_are_per_company_and_salespeople_see_their_own(self):
        Signal = self.env["in2dmm.signal"]
        signal = Signal._raise_signal(
            self.customer, "limit_exceeded", cause=self.customer
        )
        self.assertEqual(signal.cause_ref, self.customer)
        other = self.setup_other_company()["company"]
        other_signal = Signal._raise_signal(
            self.customer, "limit_exceeded", company=other
        )
        self.assertNotEqual(other_signal, signal)
        as_sales = Signal.with_user(self.salesperson).search([])
        self.assertEqual(as_sales, signal, "own customer, own company only")
        stranger = self._new_customer("Hotel Zeezicht", user_id=False)
        hidden = Signal._raise_signal(stranger, "limit_exceeded")
        self.assertNotIn(hidden, Signal.with_user(self.salesperson).search([]))
