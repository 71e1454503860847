import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import kvk_client, kvk_numbers, kvk_parse

_logger = logging.getLogger(__name__)

#: partner field -> (kvk_numbers kind, cleaning function)
NUMBER_FIELDS = {
    "company_registry": ("kvk_number", kvk_numbers.clean_kvk_number),
    "in2dmm_kvk_branch_number": (
        "vestigingsnummer",
        kvk_numbers.clean_vestigingsnummer,
    ),
    "in2dmm_kvk_rsin": ("rsin", kvk_numbers.clean_rsin),
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    in2dmm_kvk_branch_number = fields.Char(
        string="Establishment Number",
        size=12,
        copy=False,
        help="Vestigingsnummer: the 12-digit number of this establishment in the "
        "Dutch trade register.",
    )
    in2dmm_kvk_rsin = fields.Char(
        string="RSIN",
        size=9,
        copy=False,
        help="Legal entities and partnerships identification number.",
    )
    in2dmm_kvk_legal_form = fields.Char(string="Legal Form")
    in2dmm_kvk_sbi_main = fields.Char(
        string="Main Activity (SBI)", help="Main SBI activity code and description."
    )
    in2dmm_kvk_sbi_other = fields.Char(string="Other Activities (SBI)")
    in2dmm_kvk_registration_date = fields.Date(string="Registered On")
    in2dmm_kvk_end_date = fields.Date(string="Registration Ended On")
    in2dmm_kvk_state = fields.Selection(
        [("active", "Active"), ("ended", "Ended")],
        string="Trade Register Status",
        help="Empty until the company was checked in the KvK.",
    )
    in2dmm_kvk_non_mailing = fields.Boolean(
        string="No Unsolicited Mail",
        help="The company asked the KvK not to receive unsolicited mail "
        "(non-mailing indicator).",
    )
    in2dmm_kvk_checked_on = fields.Datetime(string="Last KvK Check", copy=False)
    in2dmm_kvk_annual_account_ids = fields.One2many(
        "in2dmm.kvk.annual.account", "partner_id", string="Annual Accounts"
    )
    in2dmm_kvk_annual_account_count = fields.Integer(
        string="Annual Accounts Count",
        compute="_compute_in2dmm_kvk_annual_account_count",
    )
    in2dmm_kvk_annual_queued_at = fields.Datetime(
        string="Annual Accounts Requested On",
        copy=False,
        readonly=True,
        help="Set while the company waits for the KvK open data, which answers "
        "one request per minute.",
    )
    in2dmm_kvk_annual_checked_on = fields.Datetime(
        string="Annual Accounts Checked On", copy=False, readonly=True
    )

    def _compute_in2dmm_kvk_annual_account_count(self):
        accounts = self.env["in2dmm.kvk.annual.account"]
        counts = {}
        if self.ids and accounts.has_access("read"):
            counts = dict(
                accounts._read_group(
                    [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            partner.in2dmm_kvk_annual_account_count = counts.get(partner, 0)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def _in2dmm_kvk_is_dutch(self):
        self.ensure_one()
        country = self.country_id or self.commercial_partner_id.country_id
        return not country or country.code == "NL"

    @api.model
    def _in2dmm_kvk_error(self, partner_name, error):
        """A translated message for an :class:`InvalidNumber`."""
        labels = {
            "kvk_number": self.env._("KvK number"),
            "vestigingsnummer": self.env._("establishment number"),
            "rsin": self.env._("RSIN"),
            "postcode": self.env._("Dutch postcode"),
            "vat": self.env._("Dutch VAT number"),
        }
        expected = {
            "kvk_number": self.env._("8 digits, e.g. 69599084"),
            "vestigingsnummer": self.env._("12 digits, e.g. 000037178598"),
            "rsin": self.env._("9 digits that pass the eleven test"),
            "postcode": self.env._("4 digits and 2 letters, e.g. 1015 CW"),
            "vat": self.env._("NL, 9 digits, B and 2 digits"),
        }
        if error.reason == "checksum":
            problem = self.env._("its check digit is wrong")
        else:
            problem = self.env._(
                "it should be %(expected)s", expected=expected[error.kind]
            )
        return self.env._(
            "%(partner)s: %(value)s is not a valid %(label)s: %(problem)s.",
            partner=partner_name or self.env._("New contact"),
            value=error.value,
            label=labels[error.kind],
            problem=problem,
        )

    def _in2dmm_kvk_problems(self):
        """Every invalid Dutch number of these partners, as translated messages.

        :return: list of (partner, field name, message)
        """
        problems = []
        for partner in self:
            dutch = partner._in2dmm_kvk_is_dutch()
            for fname, (kind, clean) in NUMBER_FIELDS.items():
                value = partner[fname]
                if not value or (kind == "kvk_number" and not dutch):
                    continue
                try:
                    clean(value)
                except kvk_numbers.InvalidNumber as error:
                    problems.append(
                        (partner, fname, self._in2dmm_kvk_error(partner.name, error))
                    )
            if partner.zip and partner.country_id.code == "NL":
                try:
                    kvk_numbers.clean_postcode(partner.zip)
                except kvk_numbers.InvalidNumber as error:
                    problems.append(
                        (partner, "zip", self._in2dmm_kvk_error(partner.name, error))
                    )
        return problems

    @api.constrains(
        "company_registry",
        "in2dmm_kvk_branch_number",
        "in2dmm_kvk_rsin",
        "zip",
        "country_id",
    )
    def _check_in2dmm_kvk_numbers(self):
        problems = self._in2dmm_kvk_problems()
        if problems:
            raise ValidationError("\n".join(message for _p, _f, message in problems))

    # ------------------------------------------------------------------
    # CRUD: store numbers in their canonical form
    # ------------------------------------------------------------------

    @api.model
    def _in2dmm_kvk_normalise(self, vals):
        for fname, (_kind, clean) in NUMBER_FIELDS.items():
            if vals.get(fname):
                try:
                    vals[fname] = clean(vals[fname])
                except kvk_numbers.InvalidNumber:
                    pass  # the constraint reports it, with the partner's name
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._in2dmm_kvk_normalise(dict(v)) for v in vals_list])

    def write(self, vals):
        return super().write(self._in2dmm_kvk_normalise(dict(vals)))

    def action_in2dmm_kvk_check_numbers(self):
        """Check the numbers of the selected partners and list the problems."""
        wizard = self.env["in2dmm.kvk.number.check"].create(
            {"partner_ids": [fields.Command.set(self.ids)]}
        )
        wizard._run_check()
        return {
            "type": "ir.actions.act_window",
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("KvK Number Check"),
        }

    def action_in2dmm_kvk_annual_accounts(self):
        """Fetch the annual accounts from the KvK open data (or queue the
        request) and open the list."""
        self.ensure_one()
        partner = self if self.company_registry else self.commercial_partner_id
        return self.env["in2dmm.kvk.annual.account"]._request_list(partner)

    def action_in2dmm_kvk_open_annual_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "in2dmm_kvk.in2dmm_kvk_annual_account_action"
        )
        action.update(
            name=self.env._(
                "Annual Accounts of %(partner)s", partner=self.display_name
            ),
            domain=[("partner_id", "=", self.id)],
            context={"default_partner_id": self.id},
        )
        return action

    # ------------------------------------------------------------------
    # Keeping data current
    # ------------------------------------------------------------------

    #: fields compared with the KvK on every check (KvK-neutral key -> field)
    _IN2DMM_KVK_WATCHED = {
        "name": "name",
        "street": "street",
        "street2": "street2",
        "zip": "zip",
        "city": "city",
    }
    _IN2DMM_KVK_ADDRESS = ("street", "street2", "zip", "city")

    def _in2dmm_kvk_refresh(self):
        """Compare these companies with the KvK and record what changed.

        Registration data (legal form, SBI, dates, status) is always updated;
        name and address changes go to the chatter, and the address is written
        too when the company asks for it. A company the KvK no longer knows,
        or whose registration ended, is marked and said so.
        :return: number of companies checked
        """
        checked = 0
        for partner in self:
            company = partner.company_id or self.env.company
            number = partner.company_registry
            if not number or not partner._in2dmm_kvk_is_dutch():
                continue
            profile = company._in2dmm_kvk_call("basisprofiel", number)
            checked += 1
            now = fields.Datetime.now()
            if profile is None:
                partner.write({"in2dmm_kvk_checked_on": now})
                partner.message_post(
                    body=self.env._(
                        "The KvK has no registration %(number)s (any more).",
                        number=number,
                    )
                )
                partner._in2dmm_kvk_notify("unknown", [])
                continue
            values = kvk_parse.to_partner_values(profile)
            was_active = partner.in2dmm_kvk_state != "ended"
            ended = bool(values.get("end_date")) or values.get("active") is False
            current = {
                key: partner[fname] for key, fname in self._IN2DMM_KVK_WATCHED.items()
            }
            changes = kvk_parse.diff(
                current,
                {key: values.get(key) for key in self._IN2DMM_KVK_WATCHED},
                list(self._IN2DMM_KVK_WATCHED),
            )
            vals = {
                "in2dmm_kvk_checked_on": now,
                "in2dmm_kvk_state": "ended" if ended else "active",
                "in2dmm_kvk_end_date": values.get("end_date") or False,
                "in2dmm_kvk_legal_form": values.get("legal_form") or False,
                "in2dmm_kvk_non_mailing": bool(values.get("non_mailing")),
                "in2dmm_kvk_registration_date": values.get("registration_date")
                or False,
            }
            if values.get("rsin"):
                vals["in2dmm_kvk_rsin"] = values["rsin"]
            if company.in2dmm_kvk_auto_update_address:
                for change in changes:
                    if change.field in self._IN2DMM_KVK_ADDRESS:
                        vals[self._IN2DMM_KVK_WATCHED[change.field]] = (
                            change.new or False
                        )
            partner.write(vals)
            if changes:
                labels = {
                    key: partner._fields[fname]._description_string(self.env)
                    for key, fname in self._IN2DMM_KVK_WATCHED.items()
                }
                rows = Markup("").join(
                    Markup("<li>%s: %s → %s</li>")
                    % (labels[c.field], c.old or "-", c.new or "-")
                    for c in changes
                )
                applied = company.in2dmm_kvk_auto_update_address and any(
                    c.field in self._IN2DMM_KVK_ADDRESS for c in changes
                )
                partner.message_post(
                    body=Markup("%s<ul>%s</ul>%s")
                    % (
                        self.env._(
                            "The KvK shows changes for %(number)s:", number=number
                        ),
                        rows,
                        self.env._("The address was updated.") if applied else "",
                    )
                )
                partner._in2dmm_kvk_notify("changed", changes)
            if ended and was_active:
                partner.message_post(
                    body=self.env._(
                        "The KvK registration %(number)s has ended.", number=number
                    )
                )
                partner._in2dmm_kvk_notify("ended", [])
        return checked

    def _in2dmm_kvk_notify(self, event, changes):
        """Raise credit management's signal for what the KvK showed.

        :param event: ``changed``, ``ended`` or ``unknown``
        """
        self.ensure_one()
        if event == "changed":
            description = self.env._(
                "The KvK shows other data: %(fields)s.",
                fields=", ".join(
                    self._fields[self._IN2DMM_KVK_WATCHED[c.field]]._description_string(
                        self.env
                    )
                    for c in changes
                ),
            )
            signal_type, severity = "master_data_changed", "warning"
        elif event == "ended":
            description = self.env._("The KvK registration has ended.")
            signal_type, severity = "registration_ended", "critical"
        else:
            description = self.env._("The KvK does not know this registration.")
            signal_type, severity = "registration_ended", "warning"
        return self.env["in2dmm.signal"]._raise_signal(
            self,
            signal_type,
            severity=severity,
            description=description,
            cause=self,
            company=self.company_id or self.env.company,
        )

    @api.model
    def _in2dmm_kvk_process_mutations(self, company):
        """Read the company's Mutatieservice signals since the last run and
        re-check the customers they name. Returns the number of signals read,
        or None when the KvK could not be reached (the next run tries again)."""
        since = company.in2dmm_kvk_mutation_since or fields.Datetime.subtract(
            fields.Datetime.now(), days=1
        )
        client = company._in2dmm_kvk_client()
        try:
            signals = list(
                client.all_mutation_signals(
                    company.in2dmm_kvk_mutation_subscription, since
                )
            )
        except kvk_client.ApiError as exc:
            _logger.warning("KvK Mutatieservice of %s: %s", company.name, exc)
            return None
        by_number = {}
        for signal in signals:
            by_number.setdefault(signal.kvk_number, []).append(signal)
        partners = self.with_company(company).search(
            [
                ("is_company", "=", True),
                ("company_registry", "in", list(by_number)),
            ]
        )
        for partner in partners:
            kinds = ", ".join(
                sorted({s.signal_type for s in by_number[partner.company_registry]})
            )
            partner.message_post(
                body=self.env._(
                    "The KvK reports a change (%(kinds)s); the registration is "
                    "checked again.",
                    kinds=kinds,
                )
            )
            try:
                with self.env.cr.savepoint():
                    partner._in2dmm_kvk_refresh()
            except UserError as exc:
                self.env.invalidate_all(flush=False)
                partner.message_post(body=str(exc))
            if any(s.ends_registration for s in by_number[partner.company_registry]):
                # the KvK says it ended or was transferred: critical, whatever
                # the profile (or its absence) shows
                self.env["in2dmm.signal"]._raise_signal(
                    partner,
                    "registration_ended",
                    severity="critical",
                    description=self.env._(
                        "The KvK reports that the registration of %(name)s "
                        "ended or was transferred (%(kinds)s).",
                        name=partner.display_name,
                        kinds=kinds,
                    ),
                    cause=partner,
                    company=company,
                )
        if signals:
            company.sudo().in2dmm_kvk_mutation_since = max(s.timestamp for s in signals)
        return len(signals)

    @api.model
    def _cron_in2dmm_kvk_refresh(self, batch_size=50, max_age_days=30):
        """Re-check Dutch companies: through the Mutatieservice where a company has
        a subscription, otherwise in batches, oldest check first."""
        subscribed = self.env["res.company"].search(
            [("in2dmm_kvk_mutation_subscription", "!=", False)]
        )
        for company in subscribed:
            self._in2dmm_kvk_process_mutations(company)
        if subscribed:
            return
        limit_date = fields.Datetime.subtract(fields.Datetime.now(), days=max_age_days)
        domain = [
            ("is_company", "=", True),
            ("company_registry", "!=", False),
            "|",
            ("in2dmm_kvk_checked_on", "=", False),
            ("in2dmm_kvk_checked_on", "<", limit_date),
        ]
        while True:
            partners = self.search(
                domain,
                limit=batch_size,
                order="in2dmm_kvk_checked_on asc nulls first, id",
            )
            if not partners:
                return
            for partner in partners:
                try:
                    with self.env.cr.savepoint():
                        partner._in2dmm_kvk_refresh()
                except UserError as exc:
                    self.env.invalidate_all(flush=False)
                    if isinstance(
                        exc.__cause__,
                        (kvk_client.ApiUnavailable, kvk_client.ApiRateLimited),
                    ):
                        # the KvK is away: stop, the next run starts here again
                        _logger.warning("KvK re-check stopped: %s", exc)
                        return
                    partner.message_post(body=str(exc))
                    partner.in2dmm_kvk_checked_on = fields.Datetime.now()
            remaining = self.search_count(domain)
            if (
                self.env["ir.cron"]._commit_progress(len(partners), remaining=remaining)
                <= 0
            ):
                return
