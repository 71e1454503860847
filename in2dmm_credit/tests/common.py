from datetime import timedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class In2dmmCreditCommon(AccountTestInvoicingCommon):
    """A Dutch company with the 4-level policy of the product's demo."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("nl")
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.today = fields.Date.today()
        cls.company = cls.env.company
        cls.env.user.group_ids |= cls.env.ref(
            "in2dmm_credit.in2dmm_credit_group_manager"
        )
        cls.collector = cls._new_user(
            "collector", "in2dmm_credit.in2dmm_credit_group_controller"
        )
        cls.salesperson = cls._new_user("salesperson", "sales_team.group_sale_salesman")
        cls.policy = cls.env["in2dmm.policy"].create(
            {
                "name": "Standard",
                "company_id": cls.company.id,
                "min_interval_days": 0,
                "level_ids": [
                    Command.create(cls._level_vals(1, "Reminder", 7, email=True)),
                    Command.create(
                        cls._level_vals(
                            2,
                            "Second notice",
                            21,
                            email=True,
                            letter=True,
                            min_amount=50,
                        )
                    ),
                    Command.create(
                        cls._level_vals(
                            3,
                            "Notice of default",
                            35,
                            email=True,
                            letter=True,
                            call=True,
                            sales=True,
                        )
                    ),
                    Command.create(
                        cls._level_vals(4, "Final demand", 50, letter=True, call=True)
                    ),
                ],
            }
        )
        cls.level1, cls.level2, cls.level3, cls.level4 = cls.policy.level_ids.sorted(
            "sequence"
        )
        cls.company.write(
            {"in2dmm_policy_id": cls.policy.id, "in2dmm_collector_id": cls.collector.id}
        )
        cls.customer = cls._new_customer("Bakkerij De Gouden Korst")

    @classmethod
    def _new_user(cls, login, group):
        return cls.env["res.users"].create(
            {
                "name": login.title(),
                "login": f"in2dmm_{login}",
                "email": f"{login}@example.com",
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
                "group_ids": [
                    Command.set(
                        [cls.env.ref("base.group_user").id, cls.env.ref(group).id]
                    )
                ],
            }
        )

    def _outsider(self, login="in2dmm_outsider"):
        """A credit manager of another company, to try to cross company rules."""
        other = self.env["res.company"].create({"name": "Filiaal Zuid B.V."})
        return self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": login,
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "group_ids": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref(
                                "in2dmm_credit.in2dmm_credit_group_manager"
                            ).id,
                        ]
                    )
                ],
            }
        )

    @classmethod
    def _new_customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": "administratie@%s.example" % name.split()[0].lower(),
                "street": "Oudegracht 12",
                "zip": "3511 AB",
                "city": "Utrecht",
                "country_id": cls.env.ref("base.nl").id,
                "user_id": cls.salesperson.id,
                **vals,
            }
        )

    @staticmethod
    def _level_vals(
        seq,
        name,
        days,
        email=False,
        letter=False,
        call=False,
        sales=False,
        min_amount=0.0,
        **extra,
    ):
        return {
            "sequence": seq,
            "name": name,
            "days": days,
            "channel_email": email,
            "channel_letter": letter,
            "channel_call": call,
            "channel_salesperson": sales,
            "min_amount": min_amount,
            "letter_subject": f"{name}: {{amount_to_pay}}",
            "letter_body_before": "Dear {partner_name},\n\nPlease pay {amount_to_pay} "
            "before {pay_before}.",
            "letter_body_after": "Kind regards,\n{company_name}",
            **extra,
        }

    @classmethod
    def _invoice(
        cls, partner, amount, days_overdue, move_type="out_invoice", post=True
    ):
        due = cls.today - timedelta(days=days_overdue)
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=cls.env["account.tax"],
            move_type=move_type,
            partner_id=partner,
            invoice_date=min(due, cls.today) - timedelta(days=14),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            post=post,
        )

    def _run(self, date=None, **vals):
        run = self.env["in2dmm.dunning.run"].create(
            {"date": date or self.today, "company_id": self.company.id, **vals}
        )
        run.action_compute()
        return run

    def _line(self, run, partner):
        return run.line_ids.filtered(lambda line: line.partner_id == partner)
