import base64
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools import (
    charges as charge_tools,
    exposure as exposure_tools,
    letter as letter_tools,
    metrics,
    statement as statement_tools,
)
from .download import url_action
from .in2dmm_dunning_line import _address_lines, _letter_company

#: partner fields only credit controllers may change
CONTROLLED_FIELDS = {
    "in2dmm_policy_id",
    "in2dmm_collector_id",
    "in2dmm_no_dunning",
    "in2dmm_no_dunning_reason",
    "in2dmm_debtor_type",
    "in2dmm_credit_hold",
    "in2dmm_credit_hold_reason",
}

#: changes to these raise a "master data changed" signal on customers
MASTER_DATA_FIELDS = (
    "name",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "vat",
    "company_registry",
    "bank_ids",
)

CREDIT_STATUS = [
    ("none", "No limit"),
    ("ok", "Within limit"),
    ("near", "Limit nearly reached"),
    ("over", "Over limit"),
    ("overdue", "Overdue too long"),
    ("hold", "Credit hold"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    in2dmm_policy_id = fields.Many2one(
        "in2dmm.policy",
        string="Dunning Policy",
        company_dependent=True,
        tracking=True,
        help="Leave empty to follow the policy of the customer's groups or the "
        "company default.",
    )
    in2dmm_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        tracking=True,
        help="Credit controller who follows this customer up. Leave empty for "
        "the company's default collector.",
    )
    in2dmm_no_dunning = fields.Boolean(
        string="Excluded from Dunning", company_dependent=True, tracking=True
    )
    in2dmm_no_dunning_reason = fields.Char(
        string="Exclusion Reason", company_dependent=True
    )
    in2dmm_effective_policy_id = fields.Many2one(
        "in2dmm.policy",
        string="Applied Policy",
        compute="_compute_in2dmm_effective",
    )
    in2dmm_effective_collector_id = fields.Many2one(
        "res.users",
        string="Applied Collector",
        compute="_compute_in2dmm_effective",
    )
    in2dmm_dunning_line_ids = fields.One2many(
        "in2dmm.dunning.line", "partner_id", string="Dunning History"
    )
    in2dmm_amount_overdue = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_in2dmm_overdue",
        currency_field="currency_id",
    )
    in2dmm_overdue_count = fields.Integer(
        string="Overdue Invoice Count", compute="_compute_in2dmm_overdue"
    )
    in2dmm_overdue_invoice_ids = fields.Many2many(
        "account.move",
        string="Overdue Invoices",
        compute="_compute_in2dmm_overdue_invoice_ids",
    )
    in2dmm_signal_count = fields.Integer(
        string="Open Signals", compute="_compute_in2dmm_signal_count"
    )
    in2dmm_debtor_type = fields.Selection(
        [
            ("auto", "Automatic"),
            ("business", "Business"),
            ("consumer", "Consumer"),
        ],
        string="Debtor Type",
        default="auto",
        help="Dutch collection law treats consumers (natural persons not acting "
        "in a profession or business) differently: statutory instead of "
        "commercial interest, and collection costs only after a 14-day letter. "
        "Automatic: a person without a company, VAT or KvK number is a consumer.",
    )
    in2dmm_is_consumer = fields.Boolean(
        string="Consumer Debtor", compute="_compute_in2dmm_is_consumer"
    )
    in2dmm_collection_case_count = fields.Integer(
        string="Collection Cases", compute="_compute_in2dmm_collection_case_count"
    )
    in2dmm_credit_hold = fields.Boolean(
        string="Credit Hold",
        company_dependent=True,
        tracking=True,
        help="No new sale orders are confirmed for this customer without a credit "
        "manager's approval.",
    )
    in2dmm_credit_hold_reason = fields.Char(
        string="Credit Hold Reason", company_dependent=True
    )
    in2dmm_insured_limit_ids = fields.One2many(
        "in2dmm.insured.limit", "partner_id", string="Insured Limits"
    )
    in2dmm_insured_limit = fields.Monetary(
        string="Insured Limit",
        compute="_compute_in2dmm_exposure",
        currency_field="in2dmm_company_currency_id",
    )
    in2dmm_effective_limit = fields.Monetary(
        string="Effective Limit",
        compute="_compute_in2dmm_exposure",
        currency_field="in2dmm_company_currency_id",
    )
    in2dmm_has_limit = fields.Boolean(
        string="Has a Credit Limit", compute="_compute_in2dmm_exposure"
    )
    in2dmm_exposure = fields.Monetary(
        string="Exposure",
        compute="_compute_in2dmm_exposure",
        currency_field="in2dmm_company_currency_id",
        help="Open receivables, draft invoices and confirmed sale orders not yet "
        "invoiced.",
    )
    in2dmm_exposure_receivable = fields.Monetary(
        string="Open Receivables",
        compute="_compute_in2dmm_exposure",
        currency_field="in2dmm_company_currency_id",
    )
    in2dmm_exposure_draft = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_in2dmm_exposure",
        currency_field="in2dmm_company_currency_id",
    )
    in2dmm_exposure_orders = fields.Monetary(
        string="Orders Not Invoiced",
        compute="_compute_in2dmm_exposure",
        currency_field="in2dmm_company_currency_id",
    )
    in2dmm_limit_usage = fields.Float(
        string="Limit Usage (%)", compute="_compute_in2dmm_exposure"
    )
    in2dmm_credit_status = fields.Selection(
        CREDIT_STATUS, string="Credit Status", compute="_compute_in2dmm_exposure"
    )
    in2dmm_company_currency_id = fields.Many2one(
        "res.currency", string="Company Currency", compute="_compute_in2dmm_exposure"
    )
    in2dmm_opportunity_ids = fields.Many2many(
        "crm.lead", string="Open Opportunities", compute="_compute_in2dmm_commercial"
    )
    in2dmm_quotation_ids = fields.Many2many(
        "sale.order", string="Open Quotations", compute="_compute_in2dmm_commercial"
    )
    in2dmm_last_contact_date = fields.Date(
        string="Last Contact", readonly=True, copy=False
    )
    in2dmm_dispute_count = fields.Integer(
        string="Open Complaints and Disputes", compute="_compute_in2dmm_collector"
    )
    in2dmm_promise_count = fields.Integer(
        string="Promises Made", compute="_compute_in2dmm_collector"
    )
    in2dmm_promise_kept = fields.Integer(
        string="Promises Kept", compute="_compute_in2dmm_collector"
    )
    in2dmm_promise_broken = fields.Integer(
        string="Promises Broken", compute="_compute_in2dmm_collector"
    )
    in2dmm_payment_score = fields.Selection(
        [(g, g) for g in ("A", "B", "C", "D", "E")],
        string="Payment Score",
        compute="_compute_in2dmm_payment_score",
        help="A pays on time ... E pays very late or breaks promises; computed "
        "each night from the last twelve months.",
    )
    in2dmm_payment_score_text = fields.Char(
        string="Payment Behaviour", compute="_compute_in2dmm_payment_score"
    )
    in2dmm_payment_trend = fields.Selection(
        [("better", "Better"), ("stable", "Stable"), ("worse", "Worse")],
        string="Trend",
        compute="_compute_in2dmm_payment_score",
    )
    in2dmm_last_level_id = fields.Many2one(
        "in2dmm.policy.level",
        string="Last Dunning Level",
        compute="_compute_in2dmm_overdue",
    )

    @api.depends_context("company")
    @api.depends("category_id", "in2dmm_policy_id", "in2dmm_collector_id")
    def _compute_in2dmm_effective(self):
        company = self.env.company
        policies = self.env["in2dmm.policy"].search(
            [("company_id", "=", company.id), ("category_ids", "!=", False)]
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            policy = commercial.in2dmm_policy_id
            if not policy:
                policy = policies.filtered(
                    lambda p, cats=commercial.category_id: p.category_ids & cats
                )[:1]
            partner.in2dmm_effective_policy_id = policy or company.in2dmm_policy_id
            partner.in2dmm_effective_collector_id = (
                commercial.in2dmm_collector_id or company.in2dmm_collector_id
            )

    def write(self, vals):
        if (
            CONTROLLED_FIELDS & set(vals)
            and not self.env.su
            and not self.env.user.has_group(
                "in2dmm_credit.in2dmm_credit_group_controller"
            )
        ):
            raise AccessError(
                self.env._(
                    "Only credit controllers may change a customer's dunning settings."
                )
            )
        watched = [f for f in MASTER_DATA_FIELDS if f in vals]
        if not watched or self.env.context.get("install_mode"):
            return super().write(vals)
        customers = self.filtered(lambda p: p.customer_rank > 0)
        before = {p.id: {f: p[f] for f in watched} for p in customers}
        result = super().write(vals)
        for partner in customers:
            partner._in2dmm_master_data_signal(before[partner.id])
        return result

    def _in2dmm_master_data_signal(self, before):
        """Raise a signal when a customer's name, address, VAT, KvK number or bank
        account changed (the classic signs of fraud or a restructuring)."""
        self.ensure_one()
        changes = []
        for fname, old in before.items():
            new = self[fname]
            if fname == "bank_ids":
                old_text = ", ".join(old.mapped("acc_number"))
                new_text = ", ".join(new.mapped("acc_number"))
            elif isinstance(old, models.BaseModel):
                old_text, new_text = old.display_name or "", new.display_name or ""
            else:
                old_text, new_text = old or "", new or ""
            if old_text != new_text:
                label = self._fields[fname]._description_string(self.env)
                changes.append(f"{label}: {old_text or '-'} → {new_text or '-'}")
        if not changes:
            return
        self.env["in2dmm.signal"]._raise_signal(
            self,
            "master_data_changed",
            severity="warning",
            description=self.env._(
                "Master data of %(customer)s changed by %(user)s:\n%(changes)s",
                customer=self.commercial_partner_id.display_name,
                user=self.env.user.name,
                changes="\n".join(changes),
            ),
            cause=self.commercial_partner_id,
        )

    def _in2dmm_overdue_domain(self):
        return Domain(
            [
                ("move_id.move_type", "in", ("out_invoice", "out_receipt")),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", fields.Date.context_today(self)),
                ("company_id", "=", self.env.company.id),
            ]
        )

    @api.depends_context("company")
    def _compute_in2dmm_overdue(self):
        commercials = self.commercial_partner_id
        groups = self.env["account.move.line"]._read_group(
            self._in2dmm_overdue_domain()
            & Domain("partner_id", "child_of", commercials.ids),
            groupby=["partner_id"],
            aggregates=["amount_residual:sum", "move_id:count_distinct"],
        )
        totals = {}
        for partner, amount, count in groups:
            key = partner.commercial_partner_id.id
            prev = totals.get(key, (0.0, 0))
            totals[key] = (prev[0] + amount, prev[1] + count)
        moves = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", commercials.ids),
                ("in2dmm_level_id", "!=", False),
                ("company_id", "=", self.env.company.id),
                ("payment_state", "not in", ("paid", "reversed", "in_payment")),
            ],
            groupby=["commercial_partner_id"],
            aggregates=["in2dmm_level_id:array_agg"],
        )
        levels_by_partner = {}
        level_model = self.env["in2dmm.policy.level"]
        for partner, level_ids in moves:
            levels = level_model.browse(set(level_ids))
            levels_by_partner[partner.id] = levels.sorted(
                lambda lvl: (lvl.sequence, lvl.days)
            )[-1:]
        for partner in self:
            key = partner.commercial_partner_id.id
            amount, count = totals.get(key, (0.0, 0))
            partner.in2dmm_amount_overdue = amount
            partner.in2dmm_overdue_count = count
            partner.in2dmm_last_level_id = levels_by_partner.get(key, level_model)

    def _in2dmm_overdue_invoice_domain(self):
        """Open customer invoices of these customers, past their due date."""
        return [
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
            ("move_type", "in", ("out_invoice", "out_receipt")),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", fields.Date.context_today(self)),
        ]

    @api.depends_context("company")
    def _compute_in2dmm_overdue_invoice_ids(self):
        moves = self.env["account.move"].search(
            self._in2dmm_overdue_invoice_domain(), order="invoice_date_due"
        )
        by_partner = moves.grouped("commercial_partner_id")
        for partner in self:
            partner.in2dmm_overdue_invoice_ids = by_partner.get(
                partner.commercial_partner_id, moves.browse()
            )

    @api.depends_context("company")
    def _compute_in2dmm_signal_count(self):
        counts = dict(
            self.env["in2dmm.signal"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "!=", "closed"),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.in2dmm_signal_count = counts.get(partner.commercial_partner_id, 0)

    def action_in2dmm_open_signals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_signal_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_in2dmm_open_overdue(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = self._in2dmm_overdue_invoice_domain()
        action["context"] = {"create": False}
        return action

    def action_in2dmm_open_dunning_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_dunning_line_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Dutch collection law: consumer or business, costs and interest
    # ------------------------------------------------------------------

    @api.depends(
        "in2dmm_debtor_type",
        "is_company",
        "commercial_partner_id.in2dmm_debtor_type",
        "commercial_partner_id.is_company",
        "commercial_partner_id.vat",
        "commercial_partner_id.company_registry",
    )
    def _compute_in2dmm_is_consumer(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            kind = commercial.in2dmm_debtor_type or "auto"
            if kind == "auto":
                partner.in2dmm_is_consumer = not (
                    commercial.is_company
                    or commercial.vat
                    or commercial.company_registry
                )
            else:
                partner.in2dmm_is_consumer = kind == "consumer"

    def _in2dmm_charge_rules(self, currency, tables=None):
        """:class:`..tools.charges.ChargeRules` for this customer."""
        self.ensure_one()
        company = self.env.company
        scales, rates = tables or (
            self.env["in2dmm.wik.scale"]._in2dmm_scales(),
            self.env["in2dmm.interest.rate"]._in2dmm_tables(),
        )
        vat_rate = None
        if not company.in2dmm_costs_vat_deductible and company.in2dmm_costs_vat_rate:
            vat_rate = Decimal(str(company.in2dmm_costs_vat_rate))
        return charge_tools.ChargeRules(
            scales=scales,
            rates=rates,
            is_consumer=self.in2dmm_is_consumer,
            currency=currency.name,
            vat_rate=vat_rate,
            per_invoice=company.in2dmm_wik_per_invoice,
        )

    @api.model
    def _in2dmm_claim_invoice(self, move, residual=None):
        return charge_tools.ClaimInvoice(
            key=move.id,
            principal=Decimal(
                str(move.amount_residual if residual is None else residual)
            ).quantize(Decimal("0.01")),
            due_date=move.invoice_date_due or move.invoice_date or move.date,
            costs_booked=move.in2dmm_costs_booked,
            interest_booked_until=move.in2dmm_interest_booked_until or None,
            fourteen_day_sent=move.in2dmm_fourteen_day_date or None,
        )

    def _in2dmm_charges_for(
        self, moves, on_date, *, with_costs=True, with_interest=True, tables=None
    ):
        """Costs and interest over ``moves`` (customer invoices) on ``on_date``.

        Charge invoices bear nothing. Returns ``None`` when nothing applies.
        """
        self.ensure_one()
        moves = moves.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_receipt")
                and not m.in2dmm_is_charge
                and m.state == "posted"
            )
        )
        if not moves:
            return None
        currency = moves[:1].currency_id
        rules = self.commercial_partner_id._in2dmm_charge_rules(currency, tables)
        return charge_tools.compute_charges(
            [self._in2dmm_claim_invoice(m) for m in moves],
            on_date,
            rules,
            with_costs=with_costs,
            with_interest=with_interest,
        )

    # ------------------------------------------------------------------
    # Account statement (rekeningoverzicht)
    # ------------------------------------------------------------------

    def _in2dmm_statement_moves(self):
        """Open receivable lines of the customer: invoices, credit notes, payments."""
        self.ensure_one()
        return self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            order="date_maturity, date, id",
        )

    def _in2dmm_statement(self, on_date=None):
        """:class:`..tools.statement.Statement` in the customer's language."""
        self.ensure_one()
        partner = self.commercial_partner_id
        on_date = on_date or fields.Date.context_today(self)
        env = self.env
        _ = env._
        labels = statement_tools.StatementLabels(
            title=_("Account statement"),
            customer=_("Customer"),
            customer_ref=_("Customer number"),
            date=_("Date"),
            number=_("Document"),
            kind=_("Type"),
            doc_date=_("Date"),
            due_date=_("Due date"),
            days_overdue=_("Days overdue"),
            amount=_("Amount"),
            paid=_("Paid"),
            residual=_("Open"),
            reference=_("Reference"),
            total=_("Total"),
            total_open=_("Total open"),
            total_overdue=_("Total overdue"),
            not_due=_("Not yet due"),
            kinds={
                "invoice": _("Invoice"),
                "credit_note": _("Credit note"),
                "payment": _("Payment"),
                "charge": _("Costs and interest"),
            },
        )
        company_currency = env.company.currency_id
        lines = []
        currencies = set()
        for aml in self._in2dmm_statement_moves():
            move = aml.move_id
            foreign = aml.currency_id != company_currency
            currencies.add(aml.currency_id)
            if move.in2dmm_is_charge:
                kind = "charge"
            elif move.move_type in ("out_invoice", "out_receipt"):
                kind = "invoice"
            elif move.move_type == "out_refund":
                kind = "credit_note"
            else:
                kind = "payment"
            due = aml.date_maturity if kind in ("invoice", "charge") else None
            lines.append(
                statement_tools.StatementLine(
                    number=move.name or "",
                    kind=kind,
                    date=move.invoice_date or aml.date,
                    due_date=due,
                    days_overdue=(on_date - due).days if due else 0,
                    amount=Decimal(
                        str(aml.amount_currency if foreign else aml.balance)
                    ),
                    residual=Decimal(
                        str(
                            aml.amount_residual_currency
                            if foreign
                            else aml.amount_residual
                        )
                    ),
                    reference=move.payment_reference or move.ref or "",
                )
            )
        if len(currencies) > 1:
            raise UserError(
                _(
                    "%(partner)s has open items in several currencies; make one "
                    "statement per currency from the invoices list instead.",
                    partner=partner.display_name,
                )
            )
        currency = currencies.pop() if currencies else company_currency
        return statement_tools.Statement(
            company_name=env.company.name,
            partner_name=partner.name or "",
            partner_ref=partner.ref or str(partner.id),
            date=on_date,
            currency_name=currency.name,
            lines=lines,
            labels=labels,
        ), currency

    def _in2dmm_statement_pdf(self, on_date=None):
        """The statement as a PDF in the letter layout, with an EPC QR code."""
        self.ensure_one()
        partner = self.commercial_partner_id
        lang = partner.lang or "en_US"
        me = self.with_context(lang=lang)
        statement, currency = me._in2dmm_statement(on_date)
        env = me.env
        _ = env._
        contact = env["res.partner"].browse(partner.address_get(["invoice"])["invoice"])
        position = (
            "before" if lang.startswith("nl") else (currency.position or "before")
        )
        symbol = currency.symbol or currency.name
        total_open = float(statement.total_open)
        items = [
            letter_tools.LetterItem(
                number=line.number,
                date=line.date,
                due_date=line.due_date,
                days_overdue=line.days_overdue,
                amount=float(line.amount),
                residual=float(line.residual),
                note=statement.labels.kinds.get(line.kind, "")
                if line.kind != "invoice"
                else "",
            )
            for line in statement.sorted_lines
        ]
        body = _(
            "Below you find all open items on your account with us on %(date)s. "
            "Please check them against your own records and let us know of any "
            "difference.",
            date=letter_tools.format_date(statement.date, lang),
        )
        if statement.total_overdue > 0:
            body += "\n\n" + _(
                "Please pay the overdue items to the account in the payment details "
                "below. If you have paid them already, you can ignore this."
            )
        labels = (
            self.env["in2dmm.dunning.line"].with_context(lang=lang)._letter_labels()
        )
        labels.number = _("Document")
        letter = letter_tools.Letter(
            company=_letter_company(env.company),
            recipient_lines=_address_lines(contact, partner),
            date=statement.date,
            subject=_("Account statement"),
            body_before=body,
            body_after="",
            items=items,
            total_open=total_open,
            total_overdue=float(statement.total_overdue),
            amount_to_pay=max(total_open, 0.0),
            currency_symbol=symbol,
            currency_position=position,
            lang=lang,
            reference=_(
                "Statement %(date)s",
                date=letter_tools.format_date(statement.date, lang),
            ),
            customer_ref=statement.partner_ref,
            payment_reference=partner.ref or partner.name or "",
            labels=labels,
            epc_qr=currency.name == "EUR",
        )
        return letter_tools.render_letter(letter)

    def _in2dmm_statement_attachment(self, fmt="pdf"):
        self.ensure_one()
        partner = self.commercial_partner_id
        if fmt == "pdf":
            data = self._in2dmm_statement_pdf()
            mimetype = "application/pdf"
        else:
            statement, _currency = partner.with_context(
                lang=partner.lang or self.env.lang
            )._in2dmm_statement()
            data = statement_tools.statement_xlsx(statement)
            mimetype = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        name = "%s - %s - %s.%s" % (
            self.env._("Account statement"),
            partner.name,
            fields.Date.context_today(self).isoformat(),
            fmt,
        )
        return self.env["ir.attachment"].create(
            {
                "name": name.replace("/", "-"),
                "datas": base64.b64encode(data),
                "mimetype": mimetype,
                "res_model": "res.partner",
                "res_id": partner.id,
            }
        )

    def action_in2dmm_statement_pdf(self):
        return url_action(self._in2dmm_statement_attachment("pdf"))

    def action_in2dmm_statement_xlsx(self):
        return url_action(self._in2dmm_statement_attachment("xlsx"))

    # ------------------------------------------------------------------
    # Collection cases
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_in2dmm_collection_case_count(self):
        counts = dict(
            self.env["in2dmm.collection.case"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.in2dmm_collection_case_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_in2dmm_open_collection_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_collection_case_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_in2dmm_new_collection_case(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        moves = self.env["account.move"].search(
            partner._in2dmm_overdue_invoice_domain()
        )
        if not moves:
            raise UserError(
                self.env._(
                    "%(partner)s has no overdue invoices to hand over.",
                    partner=partner.display_name,
                )
            )
        case = self.env["in2dmm.collection.case"].create(
            {
                "partner_id": partner.id,
                "move_ids": [fields.Command.set(moves.ids)],
                "currency_id": moves[:1].currency_id.id,
                "agency_id": self.env.company.in2dmm_collection_agency_id.id,
            }
        )
        case._fill_amounts()
        return {
            "type": "ir.actions.act_window",
            "res_model": "in2dmm.collection.case",
            "res_id": case.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Credit limits and exposure
    # ------------------------------------------------------------------

    @api.model
    def _in2dmm_exposures(self, partners, company=None, on_date=None):
        """``({commercial partner id: Exposure}, {commercial partner id: insured
        limit})`` in a few queries, for any number of partners.

        Open receivables, draft customer invoices (credit notes reduce them) and
        confirmed sale order lines not invoiced yet (draft invoices already count
        them as invoiced), in company currency; with the effective limit and the
        longest overdue invoice.
        """
        company = company or self.env.company
        on_date = on_date or fields.Date.context_today(self)
        commercial = partners.commercial_partner_id
        ids = tuple(commercial.ids)
        if not ids:
            return {}
        for model, fnames in (
            (
                "res.partner",
                ["commercial_partner_id", "credit_limit", "in2dmm_credit_hold"],
            ),
            (
                "account.move.line",
                ["amount_residual", "date_maturity", "reconciled", "parent_state"],
            ),
            ("account.move", ["state", "amount_total_signed", "commercial_partner_id"]),
            ("sale.order", ["state", "currency_rate", "partner_id"]),
            ("sale.order.line", ["price_total", "product_uom_qty", "qty_invoiced"]),
            ("in2dmm.insured.limit", ["amount", "state", "valid_until"]),
        ):
            self.env[model].flush_model(fnames)
        # one round trip: each part aggregates per commercial partner
        rows = self.env.execute_query(
            SQL(
                """
                SELECT 'receivable', p.commercial_partner_id,
                       SUM(aml.amount_residual),
                       MAX(CASE WHEN aml.amount_residual > 0
                                 AND aml.date_maturity < %(today)s
                                THEN %(today)s - aml.date_maturity END),
                       SUM(CASE WHEN aml.amount_residual > 0
                                 AND aml.date_maturity < %(today)s
                                THEN aml.amount_residual ELSE 0 END)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE p.commercial_partner_id IN %(ids)s
                   AND aml.company_id = %(company)s
                   AND acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND NOT aml.reconciled
                 GROUP BY p.commercial_partner_id
                UNION ALL
                SELECT 'draft', p.commercial_partner_id, SUM(m.amount_total_signed),
                       NULL, NULL
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.partner_id
                 WHERE p.commercial_partner_id IN %(ids)s
                   AND m.company_id = %(company)s
                   AND m.state = 'draft'
                   AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                 GROUP BY p.commercial_partner_id
                UNION ALL
                SELECT 'orders', p.commercial_partner_id,
                       SUM(sol.price_total
                           * GREATEST(sol.product_uom_qty - sol.qty_invoiced, 0)
                           / sol.product_uom_qty
                           / COALESCE(NULLIF(so.currency_rate, 0), 1)),
                       NULL, NULL
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id IN %(ids)s
                   AND so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND sol.display_type IS NULL
                   AND sol.product_uom_qty > 0
                   AND NOT COALESCE(sol.is_downpayment, FALSE)
                 GROUP BY p.commercial_partner_id
                UNION ALL
                SELECT 'own', id, (credit_limit->>%(company_key)s)::numeric, NULL,
                       NULL
                  FROM res_partner
                 WHERE id IN %(ids)s AND credit_limit ? %(company_key)s
                UNION ALL
                SELECT 'hold', id, 1, NULL, NULL
                  FROM res_partner
                 WHERE id IN %(ids)s
                   AND (in2dmm_credit_hold->>%(company_key)s)::boolean
                UNION ALL
                SELECT 'insured', partner_id, SUM(amount), NULL, NULL
                  FROM in2dmm_insured_limit
                 WHERE partner_id IN %(ids)s
                   AND company_id = %(company)s
                   AND state = 'active'
                   AND valid_from <= %(today)s
                   AND (valid_until IS NULL OR valid_until >= %(today)s)
                 GROUP BY partner_id
                """,
                ids=ids,
                company=company.id,
                company_key=str(company.id),
                today=on_date,
            )
        )
        figures = {pid: {} for pid in ids}
        insured = {}
        own_set = {}
        for kind, pid, amount, max_days, overdue in rows:
            if kind == "insured":
                insured[pid] = amount or 0.0
            elif kind == "own":
                own_set[pid] = float(amount or 0.0)
            elif kind == "hold":
                figures[pid]["hold"] = True
            elif kind == "receivable":
                figures[pid].update(
                    receivable=amount or 0.0,
                    max_days=max_days or 0,
                    overdue=overdue or 0.0,
                )
            else:
                figures[pid][kind] = amount or 0.0
        # Odoo's company-dependent credit_limit: a value set for the company
        # (own, or the company default) is a limit; 0 means "no limit" unless it
        # was set on purpose against a non-zero company default
        fallback = (
            self.env["ir.default"]
            .sudo()
            .with_company(company)
            ._get_model_defaults("res.partner")
            .get("credit_limit")
            or 0.0
        )
        own_limits = {}
        for pid in ids:
            value = own_set.get(pid, fallback)
            if value:
                own_limits[pid] = value
            elif pid in own_set and fallback:
                own_limits[pid] = 0.0
        cents = Decimal("0.01")

        def dec(value):
            return Decimal(str(round(value or 0.0, 2))).quantize(cents)

        result = {}
        for pid in ids:
            fig = figures[pid]
            limit = exposure_tools.effective_limit(
                company.in2dmm_limit_rule,
                own_limits.get(pid),
                insured.get(pid),
                dec(company.in2dmm_discretionary_amount),
            )
            result[pid] = exposure_tools.Exposure(
                receivable=dec(fig.get("receivable")),
                draft_invoices=dec(fig.get("draft")),
                open_orders=dec(fig.get("orders")),
                limit=None if limit is None else dec(limit),
                max_days_overdue=int(fig.get("max_days", 0)),
                overdue_amount=dec(fig.get("overdue")),
                on_hold=fig.get("hold", False),
            )
        return result, insured

    @api.depends_context("company")
    def _compute_in2dmm_exposure(self):
        company = self.env.company
        exposures, insured = self._in2dmm_exposures(self, company)
        for partner in self:
            key = partner.commercial_partner_id.id
            exp = exposures.get(key) or exposure_tools.Exposure()
            partner.in2dmm_company_currency_id = company.currency_id
            partner.in2dmm_insured_limit = insured.get(key, 0.0)
            partner.in2dmm_has_limit = exp.limit is not None
            partner.in2dmm_effective_limit = float(exp.limit or 0)
            partner.in2dmm_exposure = float(exp.total)
            partner.in2dmm_exposure_receivable = float(exp.receivable)
            partner.in2dmm_exposure_draft = float(exp.draft_invoices)
            partner.in2dmm_exposure_orders = float(exp.open_orders)
            partner.in2dmm_limit_usage = float(exp.usage or 0)
            partner.in2dmm_credit_status = partner.commercial_partner_id._in2dmm_status(
                exp, company
            )

    def _in2dmm_status(self, exp, company):
        """One word for the badge sales people see."""
        if exp.on_hold:
            return "hold"
        allowed = company.in2dmm_order_overdue_days
        if allowed >= 0 and exp.max_days_overdue > allowed:
            return "overdue"
        if exp.limit is None:
            return "none"
        usage = exp.usage or 0
        if exp.total > exp.limit:
            return "over"
        if usage >= Decimal(str(company.in2dmm_limit_near_pct or 100)):
            return "near"
        return "ok"

    @api.depends_context("company")
    def _compute_in2dmm_commercial(self):
        company = self.env.company
        leads = self.env["crm.lead"].search(
            [
                ("partner_id", "child_of", self.commercial_partner_id.ids),
                ("type", "=", "opportunity"),
                ("active", "=", True),
                ("won_status", "=", "pending"),
                ("company_id", "in", (company.id, False)),
            ]
        )
        orders = self.env["sale.order"].search(
            [
                ("partner_id", "child_of", self.commercial_partner_id.ids),
                ("state", "in", ("draft", "sent")),
                ("company_id", "=", company.id),
            ]
        )
        leads_by = leads.grouped(lambda lead: lead.partner_id.commercial_partner_id)
        orders_by = orders.grouped(lambda o: o.partner_id.commercial_partner_id)
        for partner in self:
            key = partner.commercial_partner_id
            partner.in2dmm_opportunity_ids = leads_by.get(key, leads.browse())
            partner.in2dmm_quotation_ids = orders_by.get(key, orders.browse())

    def action_in2dmm_open_insured_limits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_insured_limit_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    @api.model
    def _cron_in2dmm_limit_signals(self, batch=1000):
        """Raise "over limit" and "nearly reached" signals for every customer with
        a limit, per company, in batches."""
        Limit = self.env["in2dmm.insured.limit"].sudo()
        for company in self.env["res.company"].search([]):
            partner_ids = {
                partner.commercial_partner_id.id
                for [partner] in self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "=", company.id),
                        ("account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                    ],
                    groupby=["partner_id"],
                )
                if partner
            }
            partner_ids |= set(
                Limit.search([("company_id", "=", company.id)]).partner_id.ids
            )
            ids = sorted(partner_ids)
            for start in range(0, len(ids), batch):
                partners = self.browse(ids[start : start + batch])
                exposures, _insured = self._in2dmm_exposures(partners, company)
                near = Decimal(str(company.in2dmm_limit_near_pct or 100))
                for partner in partners:
                    exp = exposures.get(partner.id)
                    if not exp or exp.limit is None:
                        continue
                    if exp.total > exp.limit:
                        signal_type, severity = "limit_exceeded", "critical"
                    elif (exp.usage or 0) >= near:
                        signal_type, severity = "limit_near", "warning"
                    else:
                        continue
                    self.env["in2dmm.signal"]._raise_signal(
                        partner,
                        signal_type,
                        severity=severity,
                        description=self.env._(
                            "Exposure %(exposure)s against a limit of %(limit)s "
                            "(%(usage)s%%).",
                            exposure=formatLang(
                                self.env,
                                float(exp.total),
                                currency_obj=company.currency_id,
                            ),
                            limit=formatLang(
                                self.env,
                                float(exp.limit),
                                currency_obj=company.currency_id,
                            ),
                            usage=formatLang(self.env, float(exp.usage or 0), digits=1),
                        ),
                        cause=partner,
                        company=company,
                    )

    # ------------------------------------------------------------------
    # Collector workflow: disputes, promises, calls
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_in2dmm_collector(self):
        company = self.env.company
        commercial = self.commercial_partner_id
        disputes = dict(
            self.env["in2dmm.dispute"]._read_group(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                    ("state", "in", ("new", "in_progress")),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        promises = {}
        for partner, state, count in self.env["in2dmm.promise"]._read_group(
            [
                ("partner_id", "in", commercial.ids),
                ("company_id", "=", company.id),
                ("state", "!=", "cancelled"),
            ],
            groupby=["partner_id", "state"],
            aggregates=["__count"],
        ):
            promises.setdefault(partner.id, {})[state] = count
        for partner in self:
            key = partner.commercial_partner_id
            stats = promises.get(key.id, {})
            partner.in2dmm_dispute_count = disputes.get(key, 0)
            partner.in2dmm_promise_count = sum(stats.values())
            partner.in2dmm_promise_kept = stats.get("kept", 0)
            partner.in2dmm_promise_broken = stats.get("broken", 0) + stats.get(
                "partial", 0
            )

    def _in2dmm_open(self, xmlid, extra_context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            **(extra_context or {}),
        }
        return action

    def action_in2dmm_open_disputes(self):
        return self._in2dmm_open("in2dmm_credit.in2dmm_dispute_action")

    def action_in2dmm_open_promises(self):
        return self._in2dmm_open("in2dmm_credit.in2dmm_promise_action")

    def action_in2dmm_new_complaint(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "in2dmm.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_kind": "complaint",
            },
        }

    def action_in2dmm_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "in2dmm.call.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    # ------------------------------------------------------------------
    # Payment behaviour
    # ------------------------------------------------------------------

    @api.depends_context("company", "lang")
    def _compute_in2dmm_payment_score(self):
        scores = {
            score.partner_id.id: score
            for score in self.env["in2dmm.payment.score"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        }
        for partner in self:
            score = scores.get(partner.commercial_partner_id.id)
            partner.in2dmm_payment_score = score.grade if score else False
            partner.in2dmm_payment_score_text = score.explanation if score else False
            partner.in2dmm_payment_trend = score.trend if score else False

    def _in2dmm_update_scores(self):
        """Recompute the scores of these (commercial) partners in every company and
        raise a signal where behaviour worsened by the company's threshold."""
        Stat = self.env["in2dmm.payment.stat"].sudo()
        Score = self.env["in2dmm.payment.score"].sudo()
        for company in self.env["res.company"].sudo().search([]):
            scores = Stat._scores(self.ids, company)
            changed = Score._store(company, scores)
            steps = company.in2dmm_score_signal_steps
            if steps <= 0:
                continue
            for pid, (old, new) in changed.items():
                if metrics.grade_change(old, new) >= steps:
                    self.env["in2dmm.signal"]._raise_signal(
                        self.browse(pid),
                        "behaviour_worse",
                        severity="warning",
                        description=self.env._(
                            "Payment score went from %(old)s to %(new)s: %(why)s",
                            old=old,
                            new=new,
                            why=Score.search(
                                [
                                    ("partner_id", "=", pid),
                                    ("company_id", "=", company.id),
                                ]
                            ).explanation,
                        ),
                        company=company,
                    )

    def action_in2dmm_open_payment_stats(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_payment_stat_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {"graph_mode": "line"}
        return action
