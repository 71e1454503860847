import base64
import io
import logging
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import dunning, reports_xlsx
from ..tools.letter import render_letters
from .download import download_action

_logger = logging.getLogger(__name__)


class In2dmmDunningRun(models.Model):
    _name = "in2dmm.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, copy=False, readonly=True, default=lambda self: self.env._("New")
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    policy_ids = fields.Many2many(
        "in2dmm.policy",
        string="Policies",
        check_company=True,
        help="Leave empty to run every policy of the company.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "To Review"),
            ("executing", "Executing"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    automatic = fields.Boolean(readonly=True, copy=False)
    line_ids = fields.One2many("in2dmm.dunning.line", "run_id", string="Lines")
    line_count = fields.Integer(compute="_compute_counts")
    proposed_count = fields.Integer(compute="_compute_counts")
    done_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")
    excluded_count = fields.Integer(compute="_compute_counts")
    review_count = fields.Integer(
        string="To Review", compute="_compute_counts", help="Lines awaiting review."
    )
    progress = fields.Float(compute="_compute_counts")
    amount_to_pay = fields.Monetary(
        string="Amount Asked", compute="_compute_counts", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    letters_attachment_id = fields.Many2one(
        "ir.attachment", string="Printable Letters", readonly=True, copy=False
    )
    letters_file = fields.Binary(
        related="letters_attachment_id.datas", string="Letters to Print"
    )
    letters_filename = fields.Char(
        related="letters_attachment_id.name", string="Letters File Name"
    )
    held_item_ids = fields.One2many(
        "in2dmm.dunning.line.item",
        compute="_compute_held_item_ids",
        string="Held Invoices",
    )

    @api.depends("line_ids.state", "line_ids.needs_review", "line_ids.amount_to_pay")
    def _compute_counts(self):
        stats = defaultdict(lambda: defaultdict(int))
        amounts = defaultdict(float)
        review = defaultdict(int)
        if self.ids:
            groups = self.env["in2dmm.dunning.line"]._read_group(
                [("run_id", "in", self.ids)],
                groupby=["run_id", "state", "needs_review"],
                aggregates=["__count", "amount_to_pay_company:sum"],
            )
            for run, state, needs_review, count, amount in groups:
                stats[run.id][state] += count
                if state != "excluded":
                    amounts[run.id] += amount
                if state == "proposed" and needs_review:
                    review[run.id] += count
        for run in self:
            by_state = stats[run.id]
            total = sum(by_state.values())
            run.line_count = total
            run.proposed_count = by_state["proposed"]
            run.done_count = by_state["done"]
            run.failed_count = by_state["failed"]
            run.excluded_count = by_state["excluded"]
            run.review_count = review[run.id]
            run.amount_to_pay = amounts[run.id]
            finished = by_state["done"] + by_state["failed"] + by_state["excluded"]
            run.progress = 100.0 * finished / total if total else 0.0

    def _compute_held_item_ids(self):
        for run in self:
            run.held_item_ids = run.line_ids.item_ids.filtered(
                lambda i: i.state == "held"
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("in2dmm.dunning.run") or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_executed(self):
        if any(run.state in ("executing", "done") for run in self):
            raise UserError(
                self.env._("A dunning run that was executed cannot be deleted.")
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_compute(self):
        for run in self:
            run._compute_lines()
        return True

    def action_execute(self):
        self.ensure_one()
        run = self._lock_run()
        if run.state != "computed":
            raise UserError(
                self.env._(
                    "Run %(run)s cannot be executed in its state %(state)s.",
                    run=run.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        run.state
                    ],
                )
            )
        to_review = run.line_ids.filtered(
            lambda line: line.state == "proposed" and line.needs_review
        )
        if to_review:
            raise UserError(
                self.env._(
                    "%(count)s lines need a review first: mark them reviewed or "
                    "exclude them (%(names)s).",
                    count=len(to_review),
                    names=", ".join(to_review[:5].partner_id.mapped("display_name")),
                )
            )
        lines = run.line_ids.filtered(lambda line: line.state == "proposed")
        limit = run.company_id.in2dmm_execute_sync_limit
        if len(lines) > limit and not self.env.context.get("in2dmm_sync"):
            run.state = "executing"
            self.env.ref("in2dmm_credit.ir_cron_in2dmm_dunning_execute")._trigger()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "title": self.env._("Executing in the background"),
                    "message": self.env._(
                        "%(count)s lines are being sent. The run shows the progress.",
                        count=len(lines),
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        run.state = "executing"
        run._execute_lines(lines)
        run._finish()
        return True

    def action_reset_draft(self):
        for run in self:
            if run.state != "computed":
                raise UserError(
                    self.env._("Only a run that is not executed can be reset.")
                )
            run.line_ids.filtered(lambda line: line.state != "done").unlink()
            run.state = "draft"
        return True

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_credit.in2dmm_dunning_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"create": False, "search_default_group_state": 1}
        return action

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    def _lock_run(self):
        """Lock the run row; a second user executing the same run is refused."""
        self.ensure_one()
        self.flush_recordset()
        locked = self.try_lock_for_update()
        if not locked:
            raise UserError(
                self.env._(
                    "Run %(run)s is being processed by someone else right now.",
                    run=self.name,
                )
            )
        locked.invalidate_recordset()
        return locked

    def _get_policies(self):
        self.ensure_one()
        if self.policy_ids:
            return self.policy_ids
        return self.env["in2dmm.policy"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _fetch_open_items(self, policies):
        """All open receivable items of the company, with the policy that applies.

        One query for the items, one for the customer groups: the cost does not
        grow with the number of customers or invoices beyond reading them.
        """
        self.ensure_one()
        company = self.company_id
        Partner = self.env["res.partner"].with_company(company)
        self.env["account.move.line"].flush_model(
            [
                "amount_residual_currency",
                "reconciled",
                "parent_state",
                "account_id",
                "partner_id",
                "date_maturity",
                "currency_id",
                "company_id",
                "move_id",
            ]
        )
        self.env["account.move"].flush_model(
            ["in2dmm_level_id", "in2dmm_last_dunning_date", "in2dmm_excluded"]
        )
        Partner.flush_model(
            ["in2dmm_policy_id", "in2dmm_no_dunning", "commercial_partner_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT aml.id, aml.move_id, p.id, aml.currency_id, aml.date_maturity,
                       aml.amount_residual_currency, m.in2dmm_level_id,
                       m.in2dmm_last_dunning_date,
                       (m.in2dmm_excluded IS TRUE OR %(no_dunning)s IS TRUE),
                       %(policy)s
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN res_partner p0 ON p0.id = aml.partner_id
                  JOIN res_partner p ON p.id = COALESCE(p0.commercial_partner_id, p0.id)
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND acc.account_type = 'asset_receivable'
                   AND aml.reconciled IS NOT TRUE
                   AND aml.amount_residual_currency != 0
                   AND (aml.amount_residual_currency < 0
                        OR aml.date_maturity <= %(horizon)s)
                """,
                no_dunning=Partner._field_to_sql("p", "in2dmm_no_dunning"),
                policy=Partner._field_to_sql("p", "in2dmm_policy_id"),
                company=company.id,
                horizon=fields.Date.add(
                    self.date, days=self._max_pre_due_days(policies)
                ),
            )
        )
        # customer groups -> policy, for customers without a policy of their own
        category_policy = {}
        for policy in policies.sorted(lambda p: (p.sequence, p.id)):
            for category in policy.category_ids:
                category_policy.setdefault(category.id, policy.id)
        partner_policy = {}
        if category_policy:
            without = tuple({row[2] for row in rows if not row[9]})
            if without:
                for partner_id, category_id in self.env.execute_query(
                    SQL(
                        """SELECT partner_id, category_id
                             FROM res_partner_res_partner_category_rel
                            WHERE partner_id IN %s AND category_id IN %s
                            ORDER BY category_id""",
                        without,
                        tuple(category_policy),
                    )
                ):
                    partner_policy.setdefault(partner_id, category_policy[category_id])
        default_policy = company.in2dmm_policy_id.id
        move_ids = {row[1] for row in rows if row[5] > 0}
        holds = (
            self.env["account.move"]
            .with_context(in2dmm_date=self.date)
            .browse(move_ids)
            ._in2dmm_hold_reasons()
        )
        items = []
        for (
            aml_id,
            move_id,
            partner_id,
            currency_id,
            due,
            residual,
            level_id,
            last_date,
            excluded,
            policy_id,
        ) in rows:
            items.append(
                dunning.OpenItem(
                    id=aml_id,
                    move_id=move_id,
                    partner_id=partner_id,
                    currency_id=currency_id,
                    policy_id=policy_id
                    or partner_policy.get(partner_id)
                    or default_policy
                    or None,
                    due_date=due,
                    residual=residual,
                    level_id=level_id,
                    last_dunning_date=last_date,
                    excluded=bool(excluded),
                    hold_reason=holds.get(move_id, ""),
                )
            )
        return items

    @api.model
    def _max_pre_due_days(self, policies):
        days = policies.level_ids.mapped("days")
        return max([0] + [-d for d in days if d < 0])

    def _compute_lines(self):
        self.ensure_one()
        run = self._lock_run()
        if run.state not in ("draft", "computed"):
            raise UserError(
                self.env._("Run %(run)s was already executed.", run=run.name)
            )
        policies = run._get_policies()
        if not policies:
            raise UserError(
                self.env._(
                    "Company %(company)s has no dunning policy. Create one under "
                    "Credit Management > Configuration > Policies.",
                    company=run.company_id.name,
                )
            )
        run.line_ids.filtered(lambda line: line.state != "done").unlink()
        items = run._fetch_open_items(policies)
        proposals = dunning.compute_proposals(items, policies._to_engine(), run.date)
        run._create_lines(proposals)
        run.state = "computed"
        _logger.info(
            "Dunning run %s: %s open items, %s lines proposed",
            run.name,
            len(items),
            len(proposals),
        )

    def _create_lines(self, proposals):
        """Write the proposals as lines and items.

        A run proposes thousands of lines on a large ledger, so they are written
        with two bulk INSERTs instead of the ORM: every stored value, computed
        ones included, is known here already. ``test_bulk_values_match_orm``
        checks that they equal what the ORM computes.
        """
        self.ensure_one()
        Line = self.env["in2dmm.dunning.line"]
        Item = self.env["in2dmm.dunning.line.item"]
        if not proposals:
            return Line
        company = self.company_id
        Partner = self.env["res.partner"].with_company(company)
        partner_ids = tuple({p.partner_id for p in proposals})
        partner_data = {
            pid: (name, user_id, collector_id)
            for pid, name, user_id, collector_id in self.env.execute_query(
                SQL(
                    "SELECT p.id, p.name, p.user_id, %s FROM res_partner p "
                    "WHERE p.id IN %s",
                    Partner._field_to_sql("p", "in2dmm_collector_id"),
                    partner_ids,
                )
            )
        }
        levels = self.env["in2dmm.policy.level"].browse({p.level.id for p in proposals})
        level_data = {
            level.id: level.read(
                [
                    "channel_email",
                    "channel_letter",
                    "channel_call",
                    "channel_salesperson",
                    "manual_review",
                    "sequence",
                ]
            )[0]
            for level in levels
        }
        currencies = self.env["res.currency"].browse({p.currency_id for p in proposals})
        currency_by_id = {c.id: c for c in currencies}
        default_collector = company.in2dmm_collector_id.id or None
        uid, now = self.env.uid, self.env.cr.now()
        line_rows = []
        for prop in proposals:
            name, user_id, collector_id = partner_data[prop.partner_id]
            level = level_data[prop.level.id]
            currency = currency_by_id[prop.currency_id]
            included = [p for p in prop.items if not p.held]
            to_pay = currency.round(prop.amount_to_pay)
            to_pay_company = to_pay
            if currency != company.currency_id:
                to_pay_company = currency._convert(
                    to_pay, company.currency_id, company, self.date
                )
            line_rows.append(
                (
                    self.id,
                    company.id,
                    self.date,
                    prop.partner_id,
                    name,
                    prop.currency_id,
                    prop.policy_id,
                    prop.level.id,
                    prop.level.id,
                    level["sequence"],
                    collector_id or default_collector,
                    user_id,
                    "proposed",
                    level["manual_review"],
                    level["channel_email"],
                    level["channel_letter"],
                    level["channel_call"],
                    level["channel_salesperson"],
                    currency.round(prop.amount_overdue),
                    currency.round(prop.amount_credit),
                    to_pay,
                    to_pay_company,
                    len(included),
                    max([p.days_overdue for p in included] or [0]),
                    any(p.held for p in prop.items),
                    uid,
                    now,
                    uid,
                    now,
                )
            )
        line_ids = self._bulk_insert(
            Line,
            [
                "run_id",
                "company_id",
                "date",
                "partner_id",
                "partner_name",
                "currency_id",
                "policy_id",
                "level_id",
                "computed_level_id",
                "level_sequence",
                "collector_id",
                "salesperson_id",
                "state",
                "needs_review",
                "channel_email",
                "channel_letter",
                "channel_call",
                "channel_salesperson",
                "amount_overdue",
                "amount_credit",
                "amount_to_pay",
                "amount_to_pay_company",
                "invoice_count",
                "max_days_overdue",
                "has_held_items",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
            line_rows,
        )
        # items carry no audit user columns: they are part of their line
        item_rows = []
        for line_id, prop in zip(line_ids, proposals, strict=True):
            for pitem in prop.items:
                item = pitem.item
                item_rows.append(
                    (
                        line_id,
                        item.id,
                        item.move_id,
                        "debit",
                        item.due_date,
                        pitem.days_overdue,
                        item.residual,
                        pitem.level_before.id if pitem.level_before else None,
                        pitem.level.id if pitem.level else None,
                        pitem.escalated,
                        "held" if pitem.held else "included",
                        item.hold_reason or None,
                        now,
                        now,
                    )
                )
            for credit in prop.credit_items:
                days = dunning.days_overdue(credit.due_date, self.date)
                item_rows.append(
                    (
                        line_id,
                        credit.id,
                        credit.move_id,
                        "credit",
                        credit.due_date,
                        days if credit.due_date else 0,
                        credit.residual,
                        None,
                        None,
                        False,
                        "included",
                        None,
                        now,
                        now,
                    )
                )
        self._bulk_insert(
            Item,
            [
                "line_id",
                "move_line_id",
                "move_id",
                "kind",
                "date_due",
                "days_overdue",
                "amount_residual",
                "level_before_id",
                "level_id",
                "escalated",
                "state",
                "hold_reason",
                "create_date",
                "write_date",
            ],
            item_rows,
        )
        Line.invalidate_model()
        Item.invalidate_model()
        self.invalidate_recordset(["line_ids"])
        return Line.browse(line_ids)

    @api.model
    def _bulk_insert(self, model, columns, rows):
        """COPY plain rows into ``model``'s table; return their new ids in order.

        The ids are drawn from the table's sequence first, so that the rows can
        be streamed with COPY (as Odoo does for ``ir_model_data``).
        """
        if not rows:
            return []
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"{model._table}_id_seq",
                len(rows),
            )
        )
        ids = [row[0] for row in cr.fetchall()]
        buffer = io.StringIO(
            "".join(
                f"{id_}\t" + "\t".join(map(_copy_text, row)) + "\n"
                for id_, row in zip(ids, rows, strict=True)
            )
        )
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            cr.copy_from(buffer, table=model._table, columns=["id", *columns])
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        return ids

    # ------------------------------------------------------------------
    # Execute
    # ------------------------------------------------------------------

    def _execute_lines(self, lines):
        """Execute ``lines`` one by one; a failing line is marked, not fatal."""
        self.ensure_one()
        lines = lines.with_env(self.env).try_lock_for_update()
        lines.invalidate_recordset(["state"])
        lines = lines.filtered(lambda line: line.state == "proposed")
        for line in lines:
            try:
                with self.env.cr.savepoint():
                    line._execute()
            except Exception as exc:  # noqa: BLE001 - one bad record must not stop the run
                self.env.invalidate_all(flush=False)
                _logger.warning(
                    "Dunning line %s (%s) failed: %s",
                    line.id,
                    line.partner_id.name,
                    exc,
                )
                line.write({"state": "failed", "error": str(exc)})
        return lines

    def _user_lang(self):
        """Language for what a run writes in the background (chatter, activities):
        that of the user who started it, else the company's."""
        self.ensure_one()
        user = self.write_uid
        if not user or user._is_superuser() or user == self.env.ref("base.user_root"):
            return self.company_id.partner_id.lang or self.env.lang
        return user.lang or self.env.lang

    def _finish(self):
        """Merge the printable letters of the run and close it."""
        for run in self:
            run = run.with_context(lang=run._user_lang())
            letter_lines = run.line_ids.filtered(
                lambda line: line.state == "done" and line.channel_letter
            )
            if letter_lines:
                pdf = render_letters(letter_lines._prepare_letters())
                attachment = self.env["ir.attachment"].create(
                    {
                        "name": run.env._("%(run)s - letters.pdf", run=run.name),
                        "type": "binary",
                        "datas": base64.b64encode(pdf),
                        "res_model": run._name,
                        "res_id": run.id,
                        "mimetype": "application/pdf",
                    }
                )
                run.letters_attachment_id = attachment
            run.state = "done"
            run.message_post(
                author_id=run.write_uid.partner_id.id,
                body=run.env._(
                    "Run executed: %(done)s lines sent, %(failed)s failed, "
                    "%(excluded)s excluded.",
                    done=run.done_count,
                    failed=run.failed_count,
                    excluded=run.excluded_count,
                ),
            )

    @api.model
    def _cron_execute_pending(self):
        """Execute runs in the background, batch by batch, committing progress."""
        Line = self.env["in2dmm.dunning.line"]
        for run in self.search([("state", "=", "executing")], order="id"):
            run = run.try_lock_for_update()
            if not run:
                continue
            run = run.with_context(lang=run._user_lang())
            batch_size = max(run.company_id.in2dmm_batch_size, 1)
            while True:
                domain = [("run_id", "=", run.id), ("state", "=", "proposed")]
                lines = Line.search(domain, limit=batch_size, order="id")
                if not lines:
                    run._finish()
                    self.env["ir.cron"]._commit_progress(0)
                    break
                run._execute_lines(lines)
                remaining = Line.search_count(domain)
                if (
                    self.env["ir.cron"]._commit_progress(
                        len(lines), remaining=remaining
                    )
                    <= 0
                ):
                    return
                run = run.try_lock_for_update().with_context(lang=run.env.lang)
                if not run:
                    break

    @api.model
    def _cron_auto_run(self):
        """Daily: compute and execute the automatic policies of every company."""
        policies = self.env["in2dmm.policy"].search([("auto_run", "=", True)])
        today = fields.Date.context_today(self)
        for company, company_policies in policies.grouped("company_id").items():
            done = self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("automatic", "=", True),
                    ("date", "=", today),
                ]
            )
            if done:
                continue
            run = self.with_company(company).create(
                {
                    "company_id": company.id,
                    "date": today,
                    "automatic": True,
                    "policy_ids": [fields.Command.set(company_policies.ids)],
                }
            )
            try:
                run._compute_lines()
                # automatic runs do not wait for a review
                run.line_ids.filtered("needs_review").write({"needs_review": False})
                run.state = "executing"
            except UserError as exc:
                run.message_post(body=str(exc))
                continue
            self.env["ir.cron"]._commit_progress(1)
        self._cron_execute_pending()

    def action_export_xlsx(self):
        """The results of the run as a spreadsheet: a row per line, per level."""
        self.ensure_one()
        states = dict(
            self.env["in2dmm.dunning.line"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        _ = self.env._
        lines = []
        tables = self.line_ids[:1]._legal_tables() if self.line_ids else None
        for line in self.line_ids.sorted(
            lambda rec: (rec.level_sequence, rec.partner_name or "")
        ):
            costs, interest, _announced = line._charge_amounts(line._charges(tables))
            channels = [
                label
                for flag, label in (
                    (line.channel_email, _("e-mail")),
                    (line.channel_letter, _("letter")),
                    (line.channel_call, _("call")),
                    (line.channel_salesperson, _("salesperson")),
                )
                if flag
            ]
            lines.append(
                reports_xlsx.RunLine(
                    customer=line.partner_id.name or "",
                    ref=line.partner_id.ref or "",
                    level=line.level_id.name or "",
                    state=states.get(line.state, line.state),
                    channels=", ".join(channels),
                    invoices=line.invoice_count,
                    amount_overdue=Decimal(str(line.amount_overdue)),
                    amount_asked=Decimal(str(line.amount_to_pay)),
                    costs=Decimal(str(costs)),
                    interest=Decimal(str(interest)),
                    collector=line.collector_id.name or "",
                    error=line.error or "",
                )
            )
        labels = {
            "title": _("Dunning run"),
            "run": _("Run"),
            "report_date": _("Date"),
            "currency": _("Currency"),
            "sheet_lines": _("Dunning run"),
            "sheet_levels": _("Per level"),
            "customer": _("Customer"),
            "ref": _("Customer number"),
            "collector": _("Collector"),
            "level": _("Level"),
            "state": _("Status"),
            "channels": _("Channels"),
            "invoices": _("Invoices"),
            "amount_overdue": _("Overdue"),
            "amount_asked": _("Amount asked"),
            "costs": _("Collection costs"),
            "interest": _("Interest"),
            "error": _("Error"),
            "lines": _("Lines"),
            "no_level": _("(no level)"),
            "totals_row": _("Total"),
        }
        data = reports_xlsx.dunning_run_xlsx(
            self.name,
            self.date,
            self.company_id.name,
            self.company_id.currency_id.name,
            lines,
            labels,
        )
        return download_action(
            self.env, "%s.xlsx" % self.name, data, res_model=self._name, res_id=self.id
        )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is int or kind is float:
        return str(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)
