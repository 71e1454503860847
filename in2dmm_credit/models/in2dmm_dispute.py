from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

OPEN_STATES = ("new", "in_progress")


class In2dmmDispute(models.Model):
    """A complaint or a dispute; while it is open its invoices are not dunned."""

    _name = "in2dmm.dispute"
    _description = "Complaint or Dispute"
    _inherit = [
        "in2dmm.customer.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _in2dmm_sequence_code = "in2dmm.dispute"
    _order = "state_rank, date_deadline, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        [("complaint", "Complaint"), ("dispute", "Dispute")],
        required=True,
        default="complaint",
        tracking=True,
    )
    category_id = fields.Many2one(
        "in2dmm.dispute.category",
        string="Category",
        domain="[('kind', '=', kind), '|', ('company_id', '=', False), "
        "('company_id', '=', company_id)]",
        tracking=True,
    )
    line_ids = fields.One2many("in2dmm.dispute.line", "dispute_id", string="Invoices")
    move_ids = fields.Many2many(
        "account.move", compute="_compute_move_ids", string="Invoices Concerned"
    )
    description = fields.Html(required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
    )
    date_deadline = fields.Date(
        string="Deadline",
        tracking=True,
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("resolved", "Resolved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="new",
        required=True,
        tracking=True,
        index=True,
    )
    state_rank = fields.Integer(compute="_compute_state_rank", store=True)
    is_late = fields.Boolean(
        string="Past Deadline", compute="_compute_is_late", search="_search_is_late"
    )
    resolution = fields.Html()
    date_closed = fields.Date(readonly=True, copy=False)
    sale_order_id = fields.Many2one("sale.order", string="Sale Order", index=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_disputed = fields.Monetary(compute="_compute_amount_disputed")

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for dispute in self:
            dispute.move_ids = dispute.line_ids.move_id

    @api.depends("line_ids.amount_disputed", "line_ids.amount_residual")
    def _compute_amount_disputed(self):
        for dispute in self:
            dispute.amount_disputed = sum(
                line.amount_disputed or line.amount_residual
                for line in dispute.line_ids
            )

    @api.depends("state")
    def _compute_state_rank(self):
        for dispute in self:
            dispute.state_rank = 0 if dispute.state in OPEN_STATES else 1

    @api.depends("kind", "category_id", "partner_id", "company_id")
    def _compute_user_id(self):
        for dispute in self:
            if dispute.category_id.user_id:
                dispute.user_id = dispute.category_id.user_id
            elif dispute.kind == "complaint" and dispute.partner_id.user_id:
                dispute.user_id = dispute.partner_id.user_id
            else:
                dispute.user_id = (
                    dispute.company_id.in2dmm_dispute_user_id
                    or dispute.company_id.in2dmm_collector_id
                    or dispute.user_id
                    or self.env.user
                )

    @api.depends("category_id", "create_date")
    def _compute_date_deadline(self):
        for dispute in self:
            days = (
                dispute.category_id.deadline_days
                or dispute.company_id.in2dmm_dispute_days
                or 14
            )
            start = (dispute.create_date or fields.Datetime.now()).date()
            dispute.date_deadline = start + timedelta(days=days)

    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.is_late = bool(
                dispute.state in OPEN_STATES
                and dispute.date_deadline
                and dispute.date_deadline < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Past Deadline."))
        late = [
            ("state", "in", OPEN_STATES),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return late
        return ["!", "&", late[0], late[1]]

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            dispute._schedule_responsible()
            dispute._log_on_invoices(
                self.env._(
                    "%(kind)s %(ref)s registered: dunning is held for this invoice "
                    "until it is solved.",
                    kind=dispute._kind_label(),
                    ref=dispute.name,
                )
            )
        return disputes

    def _kind_label(self):
        self.ensure_one()
        return dict(self._fields["kind"]._description_selection(self.env))[self.kind]

    def _schedule_responsible(self):
        self.ensure_one()
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.date_deadline,
                user_id=self.user_id.id,
                summary=self.env._(
                    "Solve %(kind)s %(ref)s of %(customer)s",
                    kind=self._kind_label().lower(),
                    ref=self.name,
                    customer=self.partner_id.display_name,
                ),
            )

    def _log_on_invoices(self, body):
        for move in self.line_ids.move_id:
            move.message_post(body=body)

    def action_start(self):
        self.filtered(lambda d: d.state == "new").write({"state": "in_progress"})

    def _close(self, state, note=None):
        for dispute in self:
            if dispute.state not in OPEN_STATES:
                continue
            vals = {"state": state, "date_closed": fields.Date.context_today(self)}
            dispute.write(vals)
            if note:
                dispute.message_post(body=note)
            dispute._log_on_invoices(
                self.env._(
                    "%(kind)s %(ref)s closed (%(state)s): dunning resumes at the "
                    "level the invoice had.",
                    kind=dispute._kind_label(),
                    ref=dispute.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        state
                    ],
                )
            )
            dispute.activity_ids.action_feedback(
                feedback=self.env._("Closed: %(state)s", state=state)
            )

    def action_resolve(self):
        if any(not d.resolution for d in self):
            raise UserError(self.env._("Describe the resolution before closing."))
        self._close("resolved")

    def action_reject(self):
        if any(not d.resolution for d in self):
            raise UserError(
                self.env._("Explain to the customer why it is rejected first.")
            )
        self._close("rejected")

    def action_cancel(self):
        self._close("cancelled")

    def action_reopen(self):
        self.filtered(lambda d: d.state not in OPEN_STATES).write(
            {"state": "in_progress", "date_closed": False}
        )

    @api.model
    def _in2dmm_check_settled(self, invoices):
        """Resolve open cases whose invoices a credit note settled."""
        disputes = self.sudo().search(
            [("line_ids.move_id", "in", invoices.ids), ("state", "in", OPEN_STATES)]
        )
        for dispute in disputes:
            moves = dispute.line_ids.move_id
            if all(
                m.payment_state in ("paid", "reversed", "in_payment") for m in moves
            ):
                credit_notes = moves.line_ids.matched_credit_ids.credit_move_id.move_id
                credit_notes = credit_notes.filtered(
                    lambda m: m.move_type == "out_refund"
                )
                if not credit_notes:
                    continue
                note = self.env._(
                    "Resolved automatically: credit note %(notes)s settled the "
                    "invoices.",
                    notes=", ".join(credit_notes.mapped("name")),
                )
                dispute.resolution = dispute.resolution or note
                dispute._close("resolved", note)

    @api.model
    def _cron_signal_late(self):
        for dispute in self.search([("is_late", "=", True)]):
            self.env["in2dmm.signal"]._raise_signal(
                dispute.partner_id,
                "dispute_overdue",
                severity="warning",
                description=self.env._(
                    "%(kind)s %(ref)s is past its deadline of %(date)s.",
                    kind=dispute._kind_label(),
                    ref=dispute.name,
                    date=fields.Date.to_string(dispute.date_deadline),
                ),
                cause=dispute,
                company=dispute.company_id,
            )
