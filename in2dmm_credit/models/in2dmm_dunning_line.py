import base64
import logging
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..tools import (
    fourteen_day,
    letter as letter_tools,
)

_logger = logging.getLogger(__name__)


class In2dmmDunningLine(models.Model):
    _name = "in2dmm.dunning.line"
    _description = "Dunning Line"
    _order = "run_id desc, partner_name, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "in2dmm.dunning.run", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    date = fields.Date(related="run_id.date", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    partner_name = fields.Char(related="partner_id.name", store=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    policy_id = fields.Many2one("in2dmm.policy", required=True, readonly=True)
    level_id = fields.Many2one(
        "in2dmm.policy.level",
        string="Level",
        required=True,
        domain="[('policy_id', '=', policy_id)]",
    )
    computed_level_id = fields.Many2one(
        "in2dmm.policy.level", string="Computed Level", readonly=True
    )
    level_sequence = fields.Integer(related="level_id.sequence", store=True)
    collector_id = fields.Many2one("res.users", string="Collector")
    salesperson_id = fields.Many2one("res.users", string="Salesperson")
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("excluded", "Excluded"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    needs_review = fields.Boolean(
        help="The level asks for a manual review before the line is sent."
    )
    error = fields.Text(readonly=True)
    exclude_reason = fields.Char()
    channel_email = fields.Boolean(string="E-mail")
    channel_letter = fields.Boolean(string="Letter")
    channel_call = fields.Boolean(string="Call")
    channel_salesperson = fields.Boolean(string="Notify Salesperson")
    item_ids = fields.One2many("in2dmm.dunning.line.item", "line_id", string="Items")
    amount_overdue = fields.Monetary(
        compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_credit = fields.Monetary(
        string="Credits",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_to_pay = fields.Monetary(
        string="Amount Asked",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_to_pay_company = fields.Monetary(
        string="Amount Asked (Company Currency)",
        compute="_compute_amounts",
        store=True,
        currency_field="company_currency_id",
    )
    invoice_count = fields.Integer(compute="_compute_amounts", store=True)
    max_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_amounts", store=True
    )
    has_held_items = fields.Boolean(compute="_compute_amounts", store=True)
    letter_attachment_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    mail_message_id = fields.Many2one("mail.message", readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    mail_body_html = fields.Html(
        compute="_compute_mail_body_html", sanitize=False, string="E-mail Body"
    )
    mail_subject = fields.Char(compute="_compute_mail_body_html")
    lang = fields.Char(compute="_compute_lang")
    is_consumer = fields.Boolean(related="partner_id.in2dmm_is_consumer")
    amount_costs = fields.Monetary(
        string="Collection Costs",
        compute="_compute_charges",
        currency_field="currency_id",
        help="Extrajudicial collection costs (WIK scale) claimed in this letter, "
        "VAT included when charged.",
    )
    amount_interest = fields.Monetary(
        string="Interest",
        compute="_compute_charges",
        currency_field="currency_id",
        help="Statutory or commercial interest up to the date of the run.",
    )
    amount_claim = fields.Monetary(
        string="Total Claim",
        compute="_compute_charges",
        currency_field="currency_id",
        help="Amount asked plus the costs and interest claimed.",
    )
    amount_costs_announced = fields.Monetary(
        string="Costs Announced",
        compute="_compute_charges",
        currency_field="currency_id",
        help="Collection costs the letter announces for when the customer does not "
        "pay in time (14-day letter).",
    )
    charges_info = fields.Text(string="Costs and Interest", compute="_compute_charges")
    charge_move_id = fields.Many2one(
        "account.move",
        string="Costs and Interest Invoice",
        readonly=True,
        copy=False,
        help="Invoice that booked the costs and interest of this line.",
    )
    collection_case_id = fields.Many2one(
        "in2dmm.collection.case", readonly=True, copy=False
    )

    @api.depends(
        "item_ids.state",
        "item_ids.amount_residual",
        "item_ids.kind",
        "item_ids.days_overdue",
    )
    def _compute_amounts(self):
        for line in self:
            debit = line.item_ids.filtered(
                lambda i: i.kind == "debit" and i.state == "included"
            )
            credit = line.item_ids.filtered(
                lambda i: i.kind == "credit" and i.state == "included"
            )
            line.amount_overdue = sum(debit.mapped("amount_residual"))
            line.amount_credit = sum(credit.mapped("amount_residual"))
            line.amount_to_pay = max(line.amount_overdue + line.amount_credit, 0.0)
            line.amount_to_pay_company = (
                line.currency_id._convert(
                    line.amount_to_pay,
                    line.company_id.currency_id,
                    line.company_id,
                    line.date or fields.Date.context_today(line),
                )
                if line.currency_id != line.company_id.currency_id
                else line.amount_to_pay
            )
            line.invoice_count = len(debit)
            line.max_days_overdue = max(debit.mapped("days_overdue") or [0])
            line.has_held_items = any(i.state == "held" for i in line.item_ids)

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------

    def write(self, vals):
        old_levels = {}
        if "level_id" in vals:
            for line in self:
                if line.state != "proposed":
                    raise UserError(
                        self.env._("Only a proposed line can change its level.")
                    )
                old_levels[line.id] = line.level_id
        res = super().write(vals)
        if old_levels:
            self._sync_item_levels(old_levels)
        return res

    def _sync_item_levels(self, old_levels):
        """The items that set the line's level follow a level chosen by hand.

        An item never goes down: it is escalated only when the chosen level is
        above the level it already had.
        """
        for line in self:
            level, old = line.level_id, old_levels[line.id]
            drivers = line.item_ids.filtered(
                lambda i, old=old: (
                    i.kind == "debit" and i.state == "included" and i.level_id == old
                )
            )
            for item in drivers:
                before = item.level_before_id
                higher = not before or (level.sequence, level.days) > (
                    before.sequence,
                    before.days,
                )
                item.write(
                    {
                        "level_id": level.id if higher else before.id,
                        "escalated": higher,
                    }
                )

    def action_exclude(self):
        for line in self:
            if line.state not in ("proposed", "failed"):
                raise UserError(self.env._("Only a line not sent can be excluded."))
        self.write({"state": "excluded"})
        return True

    def action_include(self):
        for line in self:
            if line.state != "excluded" or line.run_id.state not in (
                "computed",
                "executing",
            ):
                raise UserError(
                    self.env._("Only an excluded line of an open run can be restored.")
                )
        self.write({"state": "proposed"})
        return True

    def action_mark_reviewed(self):
        self.write({"needs_review": False})
        return True

    def action_retry(self):
        failed = self.filtered(lambda line: line.state == "failed")
        failed.write({"state": "proposed", "error": False})
        for run, lines in failed.grouped("run_id").items():
            if run.state == "done":
                run.state = "executing"
                run._execute_lines(lines)
                run._finish()
        return True

    def action_preview_letter(self):
        self.ensure_one()
        pdf = letter_tools.render_letter(self._prepare_letters()[0])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._letter_filename(),
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=false",
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Texts
    # ------------------------------------------------------------------

    def _get_contact(self):
        self.ensure_one()
        contact_id = self.partner_id.address_get(["invoice"])["invoice"]
        return self.env["res.partner"].browse(contact_id)

    def _lang(self):
        return self._get_contact().lang or self.partner_id.lang or "en_US"

    def _text_values(self):
        self.ensure_one()
        lang = self.env.context.get("lang") or self._lang()
        collector = self.collector_id
        pay_before = self.run_id.date + timedelta(days=self.level_id.payment_days)
        if self.level_id.is_fourteen_day_letter:
            # a 14-day letter never names a day before the legal deadline
            pay_before = max(
                pay_before, fourteen_day.fourteen_day_deadline(self.run_id.date)
            )
        currency = self.currency_id
        symbol, position = (
            currency.symbol or currency.name,
            self._currency_position(lang),
        )
        return {
            "partner_name": self.partner_id.name or "",
            "company_name": self.company_id.name or "",
            "amount_to_pay": letter_tools.format_amount(
                self.amount_to_pay, lang, symbol=symbol, position=position
            ),
            "amount_overdue": letter_tools.format_amount(
                self.amount_overdue, lang, symbol=symbol, position=position
            ),
            "date": letter_tools.format_date(self.run_id.date, lang),
            "pay_before": letter_tools.format_date(pay_before, lang),
            "payment_reference": self._payment_reference(),
            "collector_name": collector.name or self.company_id.name or "",
            "collector_email": collector.email or self.company_id.email or "",
            "collector_phone": collector.phone or self.company_id.phone or "",
            **self._charge_text_values(lang, symbol, position),
        }

    def _charge_text_values(self, lang, symbol, position):
        """Placeholders for costs, interest and the 14-day term."""
        self.ensure_one()
        costs, interest, announced = self._charge_amounts(self._charges())
        term, deadline_label, _deadline = self._fourteen_day_values(lang)

        def money(value):
            return letter_tools.format_amount(
                value, lang, symbol=symbol, position=position
            )

        return {
            "costs_amount": money(costs),
            "interest_amount": money(interest),
            "total_claim": money(self.amount_to_pay + costs + interest),
            "costs_announced": money(announced),
            "fourteen_day_term": term,
            "fourteen_day_deadline": deadline_label,
        }

    def _currency_position(self, lang):
        """Dutch writes the euro sign first (€ 1.234,56), whatever Odoo's setting."""
        if lang.startswith("nl"):
            return "before"
        return self.currency_id.position or "before"

    def _payment_reference(self):
        self.ensure_one()
        moves = self.item_ids.filtered(
            lambda i: i.kind == "debit" and i.state == "included"
        ).move_id
        refs = [m.payment_reference or m.name for m in moves]
        if len(refs) <= 3:
            return ", ".join(refs)
        return self.partner_id.ref or self.partner_id.commercial_partner_id.display_name

    def _letter_filename(self):
        self.ensure_one()
        return "%s - %s - %s.pdf" % (
            self.run_id.name,
            self.level_id.name,
            self.partner_id.name,
        )

    def _compute_lang(self):
        for line in self:
            line.lang = line._lang()

    @api.depends_context("lang")
    def _compute_mail_body_html(self):
        for line in self:
            if not line.level_id:
                line.mail_body_html = False
                line.mail_subject = False
                continue
            values = line._text_values()
            lang = line.env.context.get("lang") or line._lang()
            symbol = line.currency_id.symbol or line.currency_id.name
            position = line._currency_position(lang)
            level = line.level_id
            line.mail_subject = level._render_text("letter_subject", values)
            before = level._render_text("letter_body_before", values)
            after = level._render_text("letter_body_after", values)
            rows = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td style='text-align:right'>%s</td>"
                    "<td style='text-align:right'>%s</td></tr>"
                )
                % (
                    item.move_id.name,
                    letter_tools.format_date(item.date_due, lang)
                    if item.date_due
                    else "",
                    item.days_overdue,
                    letter_tools.format_amount(
                        item.amount_residual, lang, symbol=symbol, position=position
                    ),
                )
                for item in line.item_ids.filtered(lambda i: i.state == "included")
            )
            charges = line._charges()
            costs, interest, _announced = line._charge_amounts(charges)
            for label, amount in (
                (line.env._("Interest"), interest),
                (line.env._("Collection costs"), costs),
            ):
                if amount:
                    rows += Markup(
                        "<tr><td colspan='3'>%s</td>"
                        "<td style='text-align:right'>%s</td></tr>"
                    ) % (
                        label,
                        letter_tools.format_amount(
                            amount, lang, symbol=symbol, position=position
                        ),
                    )
            note = line._charges_text(charges, lang) if charges else ""
            header = Markup(
                "<tr><th style='text-align:left'>%s</th><th style='text-align:left'>%s"
                "</th><th style='text-align:right'>%s</th>"
                "<th style='text-align:right'>%s</th></tr>"
            ) % (
                line.env._("Invoice"),
                line.env._("Due date"),
                line.env._("Days overdue"),
                line.env._("Open"),
            )
            line.mail_body_html = (
                _paragraphs(before)
                + Markup(
                    "<table style='border-collapse:collapse;margin:12px 0' "
                    "cellpadding='4'>%s%s<tr><td colspan='3'><b>%s</b></td>"
                    "<td style='text-align:right'><b>%s</b></td></tr></table>"
                )
                % (header, rows, line.env._("Amount to pay"), values["total_claim"])
                + (
                    Markup("<p style='font-size:11px;color:#666'>%s</p>")
                    % Markup("<br/>").join(note.split("\n"))
                    if note
                    else Markup("")
                )
                + _paragraphs(after)
            )

    # ------------------------------------------------------------------
    # Costs and interest (Dutch collection law)
    # ------------------------------------------------------------------

    def _charge_moves(self):
        self.ensure_one()
        return self.item_ids.filtered(
            lambda i: i.state == "included" and i.kind == "debit"
        ).move_id

    def _charges(self, tables=None):
        """:class:`..tools.charges.ClaimCharges` of this line, or ``None``.

        Costs are computed when the level claims or announces them, interest
        when the level claims it.
        """
        self.ensure_one()
        level = self.level_id
        if not level or not self.run_id:
            return None
        with_costs = level.costs_mode != "none" or (
            level.is_fourteen_day_letter or level.announces_costs
        )
        with_interest = level.interest_mode != "none"
        if not (with_costs or with_interest):
            return None
        return self.partner_id.with_company(self.company_id)._in2dmm_charges_for(
            self._charge_moves(),
            self.run_id.date,
            with_costs=with_costs,
            with_interest=with_interest,
            tables=tables,
        )

    def _charge_amounts(self, charges):
        """(costs claimed, interest claimed, costs announced) as floats."""
        if not charges:
            return 0.0, 0.0, 0.0
        level = self.level_id
        costs = float(charges.costs_total) if level.costs_mode != "none" else 0.0
        interest = float(charges.interest) if level.interest_mode != "none" else 0.0
        announced = charges.announced
        if level.costs_mode == "none" and charges.costs:
            announced = charges.costs
        return costs, interest, float(announced.total) if announced else 0.0

    def _legal_tables(self):
        return (
            self.env["in2dmm.wik.scale"]._in2dmm_scales(),
            self.env["in2dmm.interest.rate"]._in2dmm_tables(),
        )

    @api.depends_context("lang")
    def _compute_charges(self):
        tables = self._legal_tables() if self else None
        for line in self:
            charges = line._charges(tables)
            costs, interest, announced = line._charge_amounts(charges)
            line.amount_costs = costs
            line.amount_interest = interest
            line.amount_costs_announced = announced
            line.amount_claim = line.amount_to_pay + costs + interest
            line.charges_info = line._charges_text(charges) if charges else False

    def _charges_text(self, charges, lang=None):
        """How costs and interest were made, for the letter's small print."""
        self.ensure_one()
        env = self.env
        lang = lang or env.context.get("lang") or self._lang()
        currency = self.currency_id
        symbol = currency.symbol or currency.name
        position = self._currency_position(lang)

        def money(value):
            return letter_tools.format_amount(
                value, lang, symbol=symbol, position=position
            )

        level = self.level_id
        lines = []
        if level.interest_mode != "none" and charges.interest:
            rates = ", ".join(
                "%s%%" % letter_tools.format_percent(rate, lang)
                for rate in charges.rate_periods
            )
            if charges.interest_kind == "commercial":
                lines.append(
                    env._(
                        "Statutory commercial interest (art. 6:119a BW) of %(rates)s "
                        "a year over each overdue invoice from the day after its due "
                        "date up to and including %(date)s: %(amount)s.",
                        rates=rates,
                        date=letter_tools.format_date(charges.today, lang),
                        amount=money(charges.interest),
                    )
                )
            else:
                lines.append(
                    env._(
                        "Statutory interest (art. 6:119 BW) of %(rates)s a year over "
                        "each overdue invoice from the day after its due date up to "
                        "and including %(date)s: %(amount)s.",
                        rates=rates,
                        date=letter_tools.format_date(charges.today, lang),
                        amount=money(charges.interest),
                    )
                )
        if level.costs_mode != "none" and charges.costs:
            text = env._(
                "Extrajudicial collection costs according to the Besluit vergoeding "
                "voor buitengerechtelijke incassokosten over a principal of "
                "%(principal)s: %(costs)s.",
                principal=money(charges.costs_principal),
                costs=money(charges.costs.costs),
            )
            if charges.costs.vat_amount:
                text += " " + env._(
                    "Plus %(vat)s VAT, which we cannot deduct.",
                    vat=money(charges.costs.vat_amount),
                )
            lines.append(text)
        elif level.costs_mode != "none" and self.is_consumer and charges.announced:
            lines.append(
                env._(
                    "No collection costs are charged yet: the 14-day term of our "
                    "reminder has not expired or no such reminder was sent."
                )
            )
        for code in charges.warnings:
            lines.append(
                {
                    "no_rate": env._(
                        "No interest rate is recorded for part of the period; "
                        "interest over that part is left out."
                    ),
                    "no_scale": env._("No collection costs scale applies; no costs."),
                    "not_euro": env._(
                        "The collection costs scale is in euros; no costs are "
                        "charged on claims in other currencies."
                    ),
                }.get(code, code)
            )
        return "\n".join(lines)

    def _fourteen_day_values(self, lang):
        """Placeholders of the 14-day letter: term wording and presumed deadline."""
        self.ensure_one()
        deadline = fourteen_day.fourteen_day_deadline(self.run_id.date)
        if lang.startswith("nl"):
            term = fourteen_day.SAFE_TERM_WORDING_NL
        else:
            term = self.env._(
                "within fourteen days from the day after this letter was delivered "
                "to you"
            )
        return term, letter_tools.format_date(deadline, lang), deadline

    def _check_fourteen_day_letter(self):
        """Refuse a 14-day letter to a consumer that misses what the law requires."""
        self.ensure_one()
        level = self.level_id
        if not (level.is_fourteen_day_letter and self.is_consumer):
            return
        charges = self._charges()
        _costs, _interest, announced = self._charge_amounts(charges)
        if not announced:
            return
        lang = self._lang()
        line = self.with_context(lang=lang)
        values = line._text_values()
        text = "\n\n".join(
            level.with_context(lang=lang)._render_text(f, values)
            for f in ("letter_subject", "letter_body_before", "letter_body_after")
        )
        _term, _label, deadline = self._fourteen_day_values(lang)
        issues = fourteen_day.validate_letter_text(
            text,
            costs_amount=Decimal(str(announced)).quantize(Decimal("0.01")),
            earliest_deadline=deadline,
        )
        if issues:
            messages = {
                "costs_amount_missing": self.env._(
                    "it does not state the collection costs (use {costs_announced})"
                ),
                "principal_missing": self.env._("it does not state the amount due"),
                "term_from_letter_date": self.env._(
                    "it counts the 14 days from the letter date instead of from the "
                    "day after delivery"
                ),
                "term_start_missing": self.env._(
                    "it does not say the 14 days start the day after delivery "
                    "(use {fourteen_day_term})"
                ),
                "term_missing": self.env._(
                    "it gives no 14-day term starting the day after delivery "
                    "(use {fourteen_day_term})"
                ),
            }
            raise UserError(
                self.env._(
                    "The 14-day letter of level %(level)s cannot be sent to consumer "
                    "%(partner)s: %(problems)s. Without a valid 14-day letter no "
                    "collection costs can ever be charged for these invoices.",
                    level=level.display_name,
                    partner=self.partner_id.display_name,
                    problems="; ".join(messages.get(i.code, i.message) for i in issues),
                )
            )

    def _book_charges(self):
        """Book the claimed costs and interest on a posted customer invoice."""
        self.ensure_one()
        level = self.level_id
        if "book" not in (level.costs_mode, level.interest_mode):
            return
        charges = self._charges()
        if not charges:
            return
        company = self.company_id
        lang = self._lang()
        env = self.with_context(lang=lang).env
        lines = []
        if level.costs_mode == "book" and charges.costs_total:
            product = company.in2dmm_costs_product_id or self.env.ref(
                "in2dmm_credit.product_in2dmm_collection_costs",
                raise_if_not_found=False,
            )
            lines.append(
                fields.Command.create(
                    {
                        "product_id": product.id if product else False,
                        "name": env._(
                            "Extrajudicial collection costs (%(run)s)",
                            run=self.run_id.name,
                        ),
                        "quantity": 1,
                        "price_unit": float(charges.costs_total),
                        "tax_ids": [fields.Command.clear()],
                    }
                )
            )
        if level.interest_mode == "book" and charges.interest:
            product = company.in2dmm_interest_product_id or self.env.ref(
                "in2dmm_credit.product_in2dmm_interest", raise_if_not_found=False
            )
            lines.append(
                fields.Command.create(
                    {
                        "product_id": product.id if product else False,
                        "name": env._(
                            "Statutory interest up to and including %(date)s",
                            date=letter_tools.format_date(self.run_id.date, lang),
                        ),
                        "quantity": 1,
                        "price_unit": float(charges.interest),
                        "tax_ids": [fields.Command.clear()],
                    }
                )
            )
        if not lines:
            return
        journal = company.in2dmm_charge_journal_id or self.env[
            "account.journal"
        ].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "journal_id": journal.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": self.run_id.date,
                    "invoice_date_due": self.run_id.date
                    + timedelta(days=level.payment_days),
                    "ref": env._("Costs and interest %(run)s", run=self.run_id.name),
                    "in2dmm_is_charge": True,
                    "invoice_line_ids": lines,
                }
            )
        )
        move.action_post()
        quiet = self.env["account.move"].with_context(
            tracking_disable=True, skip_invoice_sync=True, check_move_validity=False
        )
        charged = {c.key for c in charges.invoices}
        if level.costs_mode == "book" and charges.costs_total:
            quiet.browse([c.key for c in charges.invoices if c.bears_costs]).write(
                {"in2dmm_costs_booked": True}
            )
        if level.interest_mode == "book" and charges.interest:
            quiet.browse(list(charged)).write(
                {"in2dmm_interest_booked_until": self.run_id.date}
            )
        self.charge_move_id = move

    def _hand_over(self):
        """Create a collection case for the line's invoices (level hands over)."""
        self.ensure_one()
        moves = self._charge_moves()
        case = self.env["in2dmm.collection.case"].create(
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "agency_id": self.company_id.in2dmm_collection_agency_id.id,
                "currency_id": self.currency_id.id,
                "move_ids": [fields.Command.set(moves.ids)],
            }
        )
        case._fill_amounts(self.run_id.date)
        if case.agency_id:
            case.action_hand_over()
        else:
            self.partner_id.message_post(
                body=self.env._(
                    "Collection case %(case)s was created but not handed over: the "
                    "company has no default collection agency. Choose one on the "
                    "case and hand it over from there.",
                    case=case.name,
                )
            )
            self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id(case._name),
                    "res_id": case.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": self.env._("Choose the agency and hand over"),
                    "user_id": (self.collector_id or self.env.user).id,
                }
            )
        self.collection_case_id = case

    def _letter_labels(self):
        env = self.env
        return letter_tools.LetterLabels(
            date=env._("Date"),
            reference=env._("Our reference"),
            customer_ref=env._("Customer number"),
            number=env._("Invoice"),
            invoice_date=env._("Invoice date"),
            due_date=env._("Due date"),
            days_overdue=env._("Days overdue"),
            amount=env._("Amount"),
            residual=env._("Open"),
            total_open=env._("Total open"),
            total_overdue=env._("Total overdue"),
            page=env._("Page"),
            of=env._("of"),
            payment_title=env._("Payment details"),
            iban=env._("IBAN"),
            bic=env._("BIC"),
            payment_reference=env._("Payment reference"),
            amount_to_pay=env._("Amount to pay"),
            vat=env._("VAT"),
            coc=env._("CoC"),
            account_holder=env._("Account holder"),
            scan_to_pay=env._("Scan to pay"),
        )

    def _prepare_letters(self):
        """Letter data for :mod:`..tools.letter`, each in its partner's language."""
        company_cache = {}
        letters = []
        for line in self:
            lang = line._lang()
            line_l = line.with_context(lang=lang)
            env = line_l.env
            company = line.company_id
            if company.id not in company_cache:
                company_cache[company.id] = _letter_company(company)
            values = line_l._text_values()
            level = line_l.level_id
            contact = line._get_contact()
            labels = line_l._letter_labels()
            items = []
            for item in line.item_ids:
                if item.state == "excluded":
                    continue
                note = ""
                if item.state == "held":
                    note = env._("on hold: %(reason)s", reason=item.hold_reason or "")
                elif item.kind == "credit":
                    note = env._("credit")
                items.append(
                    letter_tools.LetterItem(
                        number=item.move_id.name or "",
                        date=item.move_id.invoice_date or item.move_id.date,
                        due_date=item.date_due,
                        days_overdue=item.days_overdue,
                        amount=item.move_id.amount_total_signed
                        if item.currency_id == company.currency_id
                        else item.move_id.amount_total
                        * (1 if item.kind == "debit" else -1),
                        residual=item.amount_residual,
                        note=note,
                    )
                )
            total_open = sum(
                i.amount_residual for i in line.item_ids if i.state != "excluded"
            )
            charges = line_l._charges()
            costs, interest, _announced = line_l._charge_amounts(charges)
            charge_rows = []
            if interest:
                charge_rows.append((env._("Interest"), interest))
            if costs:
                charge_rows.append((env._("Collection costs"), costs))
            letters.append(
                letter_tools.Letter(
                    company=company_cache[company.id],
                    recipient_lines=_address_lines(contact, line.partner_id),
                    date=line.run_id.date,
                    subject=level._render_text("letter_subject", values),
                    body_before=level._render_text("letter_body_before", values),
                    body_after=level._render_text("letter_body_after", values),
                    items=items,
                    total_open=total_open,
                    total_overdue=line.amount_overdue,
                    amount_to_pay=line.amount_to_pay + costs + interest,
                    charges=charge_rows,
                    charges_note=line_l._charges_text(charges, lang) if charges else "",
                    currency_symbol=line.currency_id.symbol or line.currency_id.name,
                    currency_position=line._currency_position(lang),
                    lang=lang,
                    reference=f"{line.run_id.name}/{line.id}",
                    customer_ref=line.partner_id.ref or str(line.partner_id.id),
                    payment_reference=values["payment_reference"],
                    labels=labels,
                    epc_qr=line.currency_id.name == "EUR",
                )
            )
        return letters

    # ------------------------------------------------------------------
    # Execute
    # ------------------------------------------------------------------

    def _execute(self):
        """Send one line: letter, e-mail, activities, chatter, invoice levels."""
        self.ensure_one()
        run = self.run_id
        escalated = self.item_ids.filtered(
            lambda i: i.state == "included" and i.kind == "debit" and i.escalated
        )
        moves = escalated.move_id
        moves.lock_for_update(allow_referencing=True)
        moves.invalidate_recordset(["in2dmm_level_id"])
        # another run may have sent these levels meanwhile: never send twice
        stale = escalated.filtered(
            lambda i: (
                i.move_id.in2dmm_level_id
                and (i.move_id.in2dmm_level_id.sequence, i.move_id.in2dmm_level_id.days)
                >= (i.level_id.sequence, i.level_id.days)
            )
        )
        if stale:
            stale.write({"escalated": False})
            escalated -= stale
        if not escalated:
            self.write(
                {
                    "state": "excluded",
                    "exclude_reason": self.env._(
                        "These levels were already sent by another run."
                    ),
                }
            )
            return
        level = self.level_id
        self._check_fourteen_day_letter()
        attachment = self._create_letter_attachment()
        attachments = attachment
        if level.attach_statement:
            attachments |= self.partner_id.with_company(
                self.company_id
            )._in2dmm_statement_attachment("pdf")
        message = self._post_on_partner(attachments)
        self._book_charges()
        if level.is_fourteen_day_letter:
            first = self._charge_moves().filtered(
                lambda m: not m.in2dmm_fourteen_day_date
            )
            self.env["account.move"].with_context(
                tracking_disable=True, skip_invoice_sync=True, check_move_validity=False
            ).browse(first.ids).write({"in2dmm_fourteen_day_date": run.date})
        if level.hand_over:
            self._hand_over()
        if self.channel_call:
            self._schedule_call()
        if self.channel_salesperson and self.salesperson_id:
            self._schedule_salesperson_notice()
        self._log_on_invoices()
        # the chatter line above is the history: no tracking, and these two
        # fields do not touch the invoice's accounting (no dynamic-line sync)
        quiet_moves = self.env["account.move"].with_context(
            tracking_disable=True, skip_invoice_sync=True, check_move_validity=False
        )
        for target_level, items in escalated.grouped("level_id").items():
            quiet_moves.browse(items.move_id.ids).write(
                {
                    "in2dmm_level_id": target_level.id,
                    "in2dmm_last_dunning_date": run.date,
                }
            )
        self.write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "letter_attachment_id": attachment.id,
                "mail_message_id": message.id,
                "error": False,
            }
        )
        _logger.debug("Dunning line %s sent at level %s", self.id, level.name)

    def _create_letter_attachment(self):
        pdf = letter_tools.render_letter(self._prepare_letters()[0])
        return self.env["ir.attachment"].create(
            {
                "name": self._letter_filename(),
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": self.partner_id.id,
            }
        )

    def _post_on_partner(self, attachment):
        """Log the action on the customer; with the e-mail channel, send it too."""
        partner = self.partner_id
        contact = self._get_contact()
        level = self.level_id
        if self.channel_email and contact.email:
            template = level.mail_template_id or self.env.ref(
                "in2dmm_credit.mail_template_dunning"
            )
            subject = template._render_field("subject", self.ids, compute_lang=True)[
                self.id
            ]
            body = template._render_field("body_html", self.ids, compute_lang=True)[
                self.id
            ]
            sender = self.collector_id or self.run_id.write_uid
            return partner.with_context(mail_notify_force_send=False).message_post(
                body=body,
                subject=subject,
                author_id=sender.partner_id.id,
                email_from=sender.email_formatted or None,
                partner_ids=contact.ids,
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )
        if self.channel_email:
            # no address to mail to: print the letter instead, and say so
            self.channel_letter = True
        channels = [
            label
            for flag, label in (
                (self.channel_letter, self.env._("printed letter")),
                (self.channel_call, self.env._("call")),
                (self.channel_salesperson, self.env._("salesperson")),
            )
            if flag
        ]
        body = Markup("%s<br/>%s") % (
            self.env._(
                "Dunning level %(level)s (run %(run)s): %(amount)s asked.",
                level=level.name,
                run=self.run_id.name,
                amount=formatLang(
                    self.env, self.amount_claim, currency_obj=self.currency_id
                ),
            ),
            self.env._("Channels: %(channels)s", channels=", ".join(channels) or "-"),
        )
        if self.channel_email:
            body += Markup("<br/>") + escape(
                self.env._("No e-mail address: the letter is printed instead.")
            )
        return partner.message_post(
            body=body,
            author_id=self.run_id.write_uid.partner_id.id,
            attachment_ids=attachment.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _invoice_summary_html(self):
        items = self.item_ids.filtered(
            lambda i: i.state == "included" and i.kind == "debit"
        )
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s: %s (%s)</li>")
            % (
                item.move_id.name,
                formatLang(
                    self.env, item.amount_residual, currency_obj=self.currency_id
                ),
                self.env._("%(days)s days overdue", days=item.days_overdue),
            )
            for item in items
        )

    def _schedule_call(self):
        user = self.collector_id or self.company_id.in2dmm_collector_id or self.env.user
        # the activity lands on the collector's list; no e-mail per activity
        self.partner_id.with_context(mail_activity_quick_update=True).activity_schedule(
            "in2dmm_credit.mail_activity_type_debtor_call",
            date_deadline=self.run_id.date,
            summary=self.env._(
                "Call about %(amount)s overdue (%(level)s)",
                amount=formatLang(
                    self.env, self.amount_to_pay, currency_obj=self.currency_id
                ),
                level=self.level_id.name,
            ),
            note=self._invoice_summary_html(),
            user_id=user.id,
        )

    def _schedule_salesperson_notice(self):
        self.partner_id.with_context(mail_activity_quick_update=True).activity_schedule(
            "in2dmm_credit.mail_activity_type_salesperson_notice",
            date_deadline=self.run_id.date,
            summary=self.env._(
                "Your customer has overdue invoices (%(level)s)",
                level=self.level_id.name,
            ),
            note=self._invoice_summary_html(),
            user_id=self.salesperson_id.id,
        )

    def _log_on_invoices(self):
        bodies = {}
        for item in self.item_ids.filtered(
            lambda i: i.kind == "debit" and i.state == "included"
        ):
            if item.escalated:
                text = self.env._(
                    "Dunning level %(level)s sent (run %(run)s).",
                    level=item.level_id.name,
                    run=self.run_id.name,
                )
            else:
                text = self.env._(
                    "Listed in a dunning letter of level %(level)s (run %(run)s).",
                    level=self.level_id.name,
                    run=self.run_id.name,
                )
            bodies[item.move_id.id] = text
        if bodies:
            moves = self.env["account.move"].browse(list(bodies))
            moves._message_log_batch(
                bodies=bodies, author_id=self.run_id.write_uid.partner_id.id
            )


def _paragraphs(text):
    parts = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    return Markup("").join(
        Markup("<p>%s</p>") % Markup("<br/>").join(escape(x) for x in p.split("\n"))
        for p in parts
    )


def _address_lines(contact, commercial):
    lines = [commercial.name or ""]
    if contact != commercial and contact.name:
        lines.append(contact.name)
    if contact.street:
        lines.append(contact.street)
    if contact.street2:
        lines.append(contact.street2)
    city = "  ".join(x for x in (contact.zip or "", (contact.city or "").upper()) if x)
    if city:
        lines.append(city)
    if contact.country_id and contact.country_id != commercial.env.company.country_id:
        lines.append((contact.country_id.name or "").upper())
    return lines


def _letter_company(company):
    partner = company.partner_id
    address = [x for x in (partner.street, partner.street2) if x]
    city = " ".join(x for x in (partner.zip, partner.city) if x)
    if city:
        address.append(city)
    bank = company.partner_id.bank_ids[:1]
    # Odoo's "Your logo" placeholder does not belong on a customer's letter
    logo = None if company.uses_default_logo else base64.b64decode(company.logo)
    return letter_tools.LetterCompany(
        name=company.name or "",
        address_lines=address,
        phone=company.phone or "",
        email=company.email or "",
        website=company.website or "",
        vat=company.vat or "",
        coc=company.company_registry or "",
        iban=bank.acc_number or "",
        bic=bank.bank_bic or "",
        bank_name=bank.bank_name or "",
        logo=logo,
        color=company.primary_color or "#1f4e79",
    )
