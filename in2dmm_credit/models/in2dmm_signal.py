from odoo import api, fields, models

SIGNAL_TYPES = [
    ("limit_exceeded", "Credit limit exceeded"),
    ("limit_near", "Credit limit nearly reached"),
    ("promise_broken", "Payment promise broken"),
    ("dispute_overdue", "Dispute or complaint past its deadline"),
    ("behaviour_worse", "Payment behaviour worsening"),
    ("master_data_changed", "Master data changed"),
    ("registration_ended", "Trade register registration ended"),
    ("insured_limit_reduced", "Insured limit reduced"),
    ("insured_limit_withdrawn", "Insured limit withdrawn"),
    ("insured_limit_expiring", "Insured limit about to expire"),
]
SEVERITIES = [("info", "Info"), ("warning", "Warning"), ("critical", "Critical")]
SEVERITY_RANK = {code: rank for rank, (code, _label) in enumerate(SEVERITIES)}


class In2dmmSignal(models.Model):
    """Everything credit management must notice, one open signal per customer
    and type. Other addons raise signals through :meth:`_raise_signal`."""

    _name = "in2dmm.signal"
    _description = "Credit Signal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_rank, severity_rank desc, last_raised desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    signal_type = fields.Selection(
        SIGNAL_TYPES, string="Type", required=True, readonly=True
    )
    severity = fields.Selection(SEVERITIES, required=True, default="warning")
    severity_rank = fields.Integer(compute="_compute_ranks", store=True)
    state = fields.Selection(
        [("new", "New"), ("acknowledged", "Acknowledged"), ("closed", "Closed")],
        default="new",
        required=True,
        tracking=True,
    )
    state_rank = fields.Integer(compute="_compute_ranks", store=True)
    description = fields.Text()
    cause_ref = fields.Reference(
        selection="_selection_cause_model", string="Cause", readonly=True
    )
    responsible_id = fields.Many2one("res.users", string="Responsible", tracking=True)
    first_raised = fields.Datetime(default=fields.Datetime.now, readonly=True)
    last_raised = fields.Datetime(default=fields.Datetime.now, readonly=True)
    raised_count = fields.Integer(string="Times Raised", default=1, readonly=True)

    _one_open_per_customer_and_type = models.UniqueIndex(
        "(company_id, partner_id, signal_type) WHERE state != 'closed'",
        "A customer has at most one open signal of each type.",
    )

    @api.model
    def _selection_cause_model(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([("transient", "=", False)])
        ]

    @api.depends("severity", "state")
    def _compute_ranks(self):
        for signal in self:
            signal.severity_rank = SEVERITY_RANK.get(signal.severity, 0)
            signal.state_rank = {"new": 0, "acknowledged": 1}.get(signal.state, 2)

    @api.depends("partner_id", "signal_type")
    def _compute_display_name(self):
        labels = dict(self._fields["signal_type"]._description_selection(self.env))
        for signal in self:
            signal.display_name = "%s: %s" % (
                labels.get(signal.signal_type, ""),
                signal.partner_id.display_name or "",
            )

    # ------------------------------------------------------------------
    # The API for other addons
    # ------------------------------------------------------------------

    @api.model
    def _raise_signal(
        self,
        partner,
        signal_type,
        *,
        severity="warning",
        description="",
        cause=None,
        company=None,
    ):
        """Raise (or raise again) a signal for ``partner``'s commercial entity.

        The open signal of the same type is reused: its count, date and
        description are updated and the severity only goes up. A new signal
        puts an activity on the responsible person's list.
        :return: the signal
        """
        company = company or self.env.company
        commercial = partner.commercial_partner_id
        signal = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", commercial.id),
                ("signal_type", "=", signal_type),
                ("state", "!=", "closed"),
            ],
            limit=1,
        )
        cause_ref = f"{cause._name},{cause.id}" if cause else False
        if signal:
            vals = {
                "raised_count": signal.raised_count + 1,
                "last_raised": fields.Datetime.now(),
                "description": description or signal.description,
            }
            if SEVERITY_RANK[severity] > SEVERITY_RANK[signal.severity]:
                vals["severity"] = severity
            if cause_ref:
                vals["cause_ref"] = cause_ref
            signal.write(vals)
            if description:
                signal.message_post(body=description)
            return signal.sudo(False)
        responsible = (
            commercial.with_company(company).in2dmm_collector_id
            or company.in2dmm_collector_id
        )
        signal = self.sudo().create(
            {
                "partner_id": commercial.id,
                "company_id": company.id,
                "signal_type": signal_type,
                "severity": severity,
                "description": description,
                "cause_ref": cause_ref,
                "responsible_id": responsible.id,
            }
        )
        if responsible:
            signal.with_context(mail_activity_quick_update=True).activity_schedule(
                "in2dmm_credit.mail_activity_type_signal",
                user_id=responsible.id,
                summary=signal.display_name,
                note=description,
            )
        return signal.sudo(False)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        self.filtered(lambda s: s.state == "new").write({"state": "acknowledged"})
        return True

    def action_close(self):
        open_signals = self.filtered(lambda s: s.state != "closed")
        open_signals.write({"state": "closed"})
        open_signals.activity_feedback(["in2dmm_credit.mail_activity_type_signal"])
        return True

    def action_open_cause(self):
        self.ensure_one()
        if not self.cause_ref:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.cause_ref._name,
            "res_id": self.cause_ref.id,
            "view_mode": "form",
        }
