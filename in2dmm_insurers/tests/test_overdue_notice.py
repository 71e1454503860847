from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.in2dmm_credit.tests.common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestOverdueNotice(In2dmmCreditCommon):
    """Insured customers' overdue debts are prepared for reporting in time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["in2dmm.insurer.account"].create(
            {
                "name": "Atradius NL",
                "provider": "atradius",
                "reporting_deadline_days": 30,
                "company_id": cls.company.id,
            }
        )
        cls.company.in2dmm_insurer_account_id = cls.account
        cls.env["in2dmm.insured.limit"].create(
            {
                "partner_id": cls.customer.id,
                "amount": 20000,
                "company_id": cls.company.id,
            }
        )

    def test_notice_before_the_deadline_once_per_customer(self):
        near = self._invoice(self.customer, 800, 25)  # deadline in 5 days
        self._invoice(self.customer, 300, 5)  # deadline in 25 days: not yet
        uninsured = self._new_customer("Kapsalon Knip")
        self._invoice(uninsured, 900, 40)
        Notice = self.env["in2dmm.insurer.overdue.notice"]
        Notice._cron_prepare()
        notice = Notice.search([])
        self.assertEqual(notice.partner_id, self.customer)
        self.assertEqual(notice.move_ids, near)
        self.assertEqual(notice.amount, 800)
        self.assertEqual(notice.reporting_deadline, self.today + timedelta(days=5))
        self.assertEqual(notice.activity_ids.user_id, self.collector)
        # a second run updates the same notice
        later = self._invoice(self.customer, 200, 27)
        Notice._cron_prepare()
        self.assertEqual(Notice.search([]), notice)
        self.assertEqual(notice.move_ids, near | later)
        self.assertEqual(notice.reporting_deadline, self.today + timedelta(days=3))
        notice.action_reported()
        self.assertEqual(notice.state, "reported")
        self.assertFalse(notice.activity_ids)
