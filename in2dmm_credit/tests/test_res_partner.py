from odoo.tests import tagged

from .common import In2dmmCreditCommon


@tagged("post_install", "-at_install")
class TestPartnerCreditData(In2dmmCreditCommon):
    def test_overdue_position_on_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Jan", "parent_id": self.customer.id}
        )
        inv_old = self._invoice(self.customer, 1000, 40)
        inv_contact = self._invoice(contact, 250, 5)
        self._invoice(self.customer, 300, -10)  # not yet due
        other = self._new_customer("Café Het Hoekje")
        self._invoice(other, 999, 30)
        self.assertAlmostEqual(self.customer.in2dmm_amount_overdue, 1250)
        self.assertEqual(self.customer.in2dmm_overdue_count, 2)
        self.assertEqual(
            self.customer.in2dmm_overdue_invoice_ids, inv_old | inv_contact
        )
        self.assertFalse(self.customer.in2dmm_last_level_id)
        run = self._run()
        run.with_context(in2dmm_sync=True).action_execute()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.in2dmm_last_level_id, self.level1)
        self.assertEqual(contact.in2dmm_last_level_id, self.level1)
        self.assertEqual(
            self.customer.in2dmm_dunning_line_ids,
            run.line_ids.filtered(lambda line: line.partner_id == self.customer),
        )
        action = self.customer.action_in2dmm_open_overdue()
        self.assertEqual(
            self.env["account.move"].search(action["domain"]), inv_old | inv_contact
        )
