from odoo import api, fields, models

from ..tools.insurer import Rating

KINDS = [
    ("rating", "Rating changed"),
    ("limit", "Limit changed"),
    ("insolvency", "Insolvency"),
    ("status", "Company status changed"),
    ("identity", "Name or address changed"),
    ("other", "Other change"),
]


class In2dmmInsurerEvent(models.Model):
    """A change a provider reported on a monitored customer; each event is
    taken once (the provider's event id is unique per account)."""

    _name = "in2dmm.insurer.event"
    _description = "Monitoring Event"
    _order = "event_date desc, id desc"
    _check_company_auto = True
    _rec_name = "kind"

    account_id = fields.Many2one(
        "in2dmm.insurer.account",
        string="Provider",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, ondelete="cascade"
    )
    external_id = fields.Char(string="Provider's Event ID", required=True)
    buyer_ref = fields.Char(string="Provider's Customer ID")
    kind = fields.Selection(KINDS, required=True)
    event_date = fields.Date()
    old_value = fields.Char()
    new_value = fields.Char()
    text = fields.Char(string="Description")
    signal_id = fields.Many2one("in2dmm.signal", readonly=True)
    rating_id = fields.Many2one("in2dmm.buyer.rating", readonly=True)

    _account_event_uniq = models.Constraint(
        "unique (account_id, external_id)",
        "The provider reported this event already.",
    )

    @api.model
    def _record(self, account, events):
        """Take the new ``tools.insurer.MonitoringEvent`` values of ``account``:
        a rating change becomes a rating, the others a signal. Returns how
        many events were new."""
        if not events:
            return 0
        known = set(
            self.search(
                [
                    ("account_id", "=", account.id),
                    ("external_id", "in", [e.event_id for e in events]),
                ]
            ).mapped("external_id")
        )
        buyers = {
            b.external_id: b
            for b in self.env["in2dmm.insurer.buyer"].search(
                [("account_id", "=", account.id)]
            )
        }
        scale = account._rating_scale()
        new = 0
        for event in events:
            if event.event_id in known:
                continue
            known.add(event.event_id)
            buyer = buyers.get(event.buyer_id)
            record = self.sudo().create(
                {
                    "account_id": account.id,
                    "partner_id": buyer.partner_id.id if buyer else False,
                    "external_id": event.event_id,
                    "buyer_ref": event.buyer_id,
                    "kind": event.kind if event.kind in dict(KINDS) else "other",
                    "event_date": event.event_date,
                    "old_value": event.old_value,
                    "new_value": event.new_value,
                    "text": event.text,
                }
            )
            new += 1
            if buyer:
                record._process(buyer, scale)
        return new

    def _process(self, buyer, scale):
        self.ensure_one()
        account = self.account_id
        if self.kind == "rating" and self.new_value and scale:
            self.rating_id = self.env["in2dmm.buyer.rating"]._store(
                account,
                buyer.partner_id,
                Rating(
                    buyer.external_id,
                    scale,
                    self.new_value,
                    description=self.text or "",
                    rated_on=self.event_date,
                    previous_value=self.old_value or "",
                ),
                "monitoring",
            )
            buyer.rating_checked_on = fields.Datetime.now()
            return
        labels = dict(self._fields["kind"]._description_selection(self.env))
        change = ""
        if self.old_value or self.new_value:
            change = self.env._(
                " (%(old)s to %(new)s)",
                old=self.old_value or "-",
                new=self.new_value or "-",
            )
        self.signal_id = self.env["in2dmm.signal"]._raise_signal(
            buyer.partner_id,
            "bureau_event",
            severity="critical" if self.kind in ("insolvency", "status") else "warning",
            description=self.env._(
                "%(provider)s reports: %(kind)s%(change)s. %(text)s",
                provider=account._provider_label(),
                kind=labels.get(self.kind),
                change=change,
                text=self.text or "",
            ).strip(),
            cause=self,
            company=account.company_id,
        )
