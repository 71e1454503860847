import logging
import math
import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime

from ..tools import (
    kvk_annual_accounts as annual,
    kvk_numbers,
)

_logger = logging.getLogger(__name__)

#: system parameter: another host for the open data (a local stand-in)
BASE_URL_PARAM = "in2dmm_kvk.open_data_base_url"
#: system parameter: when the open data may be called again (epoch seconds)
NEXT_CALL_PARAM = "in2dmm_kvk.open_data_next_call"
#: a document that failed this often for a passing reason is given up
MAX_DOCUMENT_ATTEMPTS = 5
#: (connect, read) seconds
TIMEOUT = (5, 30)
FIGURES = tuple(annual.KeyFigures.__dataclass_fields__)


class In2dmmKvkAnnualAccount(models.Model):
    """A deposited annual account of a customer, as the KvK open data lists it.

    The Open Dataset Jaarrekeningen answers one request per minute. Every
    call (a list or a document) claims that one slot first
    (:meth:`_open_data_claim`); when the minute is not over, the customer is
    queued and a cron works the queue, one call per minute.
    """

    _name = "in2dmm.kvk.annual.account"
    _description = "Annual Accounts from the KvK"
    _order = "partner_id, fiscal_year desc, period_end desc, id desc"
    _rec_names_search = ["partner_id", "kvk_number"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True
    )
    kvk_number = fields.Char(string="KvK Number", readonly=True)
    fiscal_year = fields.Integer(readonly=True, aggregator=False)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    adoption_date = fields.Date(
        string="Adopted On",
        readonly=True,
        help="The date the shareholders or members adopted the annual accounts.",
    )
    deposit_date = fields.Date(
        string="Deposited On",
        readonly=True,
        help="The date the accounts were filed with the KvK, when the open data "
        "gives it.",
    )
    kind = fields.Selection(
        [
            ("jaarrekening", "Annual Accounts"),
            ("publicatiestukken", "Publication Documents"),
            ("other", "Other"),
        ],
        required=True,
        readonly=True,
        default="jaarrekening",
        help="Annual accounts (jaarrekening) or the abridged publication "
        "documents (publicatiestukken) smaller companies may file.",
    )
    size_class = fields.Selection(
        [
            ("micro", "Micro"),
            ("small", "Small"),
            ("medium", "Medium-sized"),
            ("large", "Large"),
        ],
        readonly=True,
    )
    consolidated = fields.Boolean(
        readonly=True, help="The accounts of a group (geconsolideerd)."
    )
    sbi_code = fields.Char(string="SBI Code", readonly=True)
    document_url = fields.Char(string="Document Address", readonly=True)
    document_type = fields.Selection(
        [("xbrl", "XBRL"), ("pdf", "PDF"), ("other", "Other")], readonly=True
    )
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="Attachment",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    document = fields.Binary(related="attachment_id.datas", string="Document")
    document_name = fields.Char(related="attachment_id.name")
    state = fields.Selection(
        [
            ("listed", "Listed"),
            ("attached", "Document Attached"),
            ("not_retrievable", "Not Retrievable"),
        ],
        required=True,
        readonly=True,
        default="listed",
        help="Listed: the document is still to be retrieved. Not retrievable: "
        "the open data gives no document, or it could not be fetched (see the "
        "message).",
    )
    message = fields.Text(readonly=True)
    download_attempts = fields.Integer(readonly=True, copy=False, default=0)
    listed_on = fields.Datetime(string="Last Seen in the KvK", readonly=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        readonly=True,
        default=lambda self: self.env.ref("base.EUR"),
    )
    total_assets = fields.Monetary(readonly=True, aggregator=False)
    non_current_assets = fields.Monetary(
        string="Fixed Assets", readonly=True, aggregator=False
    )
    current_assets = fields.Monetary(readonly=True, aggregator=False)
    equity = fields.Monetary(readonly=True, aggregator=False)
    provisions = fields.Monetary(readonly=True, aggregator=False)
    liabilities = fields.Monetary(readonly=True, aggregator=False)
    current_liabilities = fields.Monetary(
        string="Short-term Liabilities", readonly=True, aggregator=False
    )
    non_current_liabilities = fields.Monetary(
        string="Long-term Liabilities", readonly=True, aggregator=False
    )
    equity_and_liabilities = fields.Monetary(
        string="Total Equity and Liabilities", readonly=True, aggregator=False
    )
    called_up_share_capital = fields.Monetary(
        string="Share Capital", readonly=True, aggregator=False
    )
    revenue = fields.Monetary(readonly=True, aggregator=False)
    net_result = fields.Monetary(string="Net Result", readonly=True, aggregator=False)
    published_data = fields.Text(
        readonly=True, help="Every value the KvK open data publishes for it."
    )
    source_key = fields.Char(readonly=True, required=True, copy=False)

    _partner_source_uniq = models.Constraint(
        "unique (partner_id, source_key)",
        "These annual accounts are already listed for this company.",
    )

    @api.depends("kind", "fiscal_year", "period_end", "consolidated")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for account in self:
            year = account.fiscal_year or (
                account.period_end.year if account.period_end else ""
            )
            name = ("%s %s" % (kinds.get(account.kind, ""), year)).strip()
            if account.consolidated:
                name = self.env._("%(name)s (consolidated)", name=name)
            account.display_name = name

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retrieve_document(self):
        """Retrieve the document now, or say when the queue will."""
        self.ensure_one()
        self._check_open_data_access()
        if not self.document_url:
            raise UserError(
                self.env._(
                    "The KvK open data gives no document for %(name)s.",
                    name=self.display_name,
                )
            )
        if self.state == "not_retrievable":
            self.sudo().write(
                {"state": "listed", "download_attempts": 0, "message": False}
            )
        wait = self._open_data_claim()
        if wait:
            eta = self._eta(wait + len(self._queued_partners()) * self._interval())
            self._trigger_cron(wait)
            text = self.env._(
                "The KvK open data answers one request per minute. The document "
                "of %(name)s is retrieved at about %(time)s.",
                name=self.display_name,
                time=self._format_time(eta),
            )
            self.sudo().message = text
            return self._notification(text, "warning", self.partner_id)
        self._retrieve_document()
        if self.state == "attached":
            return self._notification(
                self.env._(
                    "The document of %(name)s is attached.", name=self.display_name
                ),
                "success",
                self.partner_id,
            )
        return self._notification(self.message, "danger", self.partner_id)

    # ------------------------------------------------------------------
    # Access, client and the one request per minute
    # ------------------------------------------------------------------

    @api.model
    def _check_open_data_access(self):
        if not self.env.su and not self.env.user.has_group(
            "in2dmm_kvk.group_kvk_api_user"
        ):
            raise AccessError(
                self.env._("You are not allowed to fetch data from the KvK.")
            )

    @api.model
    def _open_data_client(self):
        # a local stand-in (demo, acceptance tests) replaces opendata.kvk.nl
        base_url = (
            self.env["ir.config_parameter"].sudo().get_param(BASE_URL_PARAM) or None
        )
        return annual.KvkOpenDataClient(
            base_url=base_url, timeout=TIMEOUT, max_retries=2, max_retry_after=5
        )

    @api.model
    def _interval(self):
        return annual.RATE_LIMIT_INTERVAL

    @api.model
    def _open_data_param(self):
        params = self.env["ir.config_parameter"].sudo()
        param = params.search([("key", "=", NEXT_CALL_PARAM)], limit=1)
        return param or params.create({"key": NEXT_CALL_PARAM, "value": "0"})

    @api.model
    def _open_data_limiter(self, param):
        try:
            next_allowed = float(param.value or 0)
        except ValueError:
            next_allowed = 0.0
        return annual.RateLimiter(self._interval(), next_allowed=next_allowed)

    @api.model
    def _open_data_claim(self):
        """Claim the open data's one request per minute: 0 when this
        transaction may call now, else the seconds to wait."""
        param = self._open_data_param().try_lock_for_update()
        if not param:  # another transaction is calling right now
            return self._interval()
        limiter = self._open_data_limiter(param)
        wait = limiter.try_acquire()
        if not wait:
            param.value = repr(limiter.next_allowed)
        return wait

    @api.model
    def _open_data_defer(self, seconds):
        """No call before ``seconds`` from now (the KvK answered 429)."""
        param = self._open_data_param()
        limiter = self._open_data_limiter(param)
        limiter.defer(seconds)
        param.value = repr(limiter.next_allowed)

    @api.model
    def _open_data_wait(self):
        return self._open_data_limiter(self._open_data_param()).wait_time()

    @api.model
    def _eta(self, seconds):
        return fields.Datetime.now() + timedelta(seconds=math.ceil(seconds))

    @api.model
    def _format_time(self, moment):
        return format_datetime(self.env, moment, dt_format="short")

    @api.model
    def _trigger_cron(self, seconds):
        cron = self.env.ref(
            "in2dmm_kvk.ir_cron_in2dmm_kvk_annual_accounts", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger(self._eta(seconds))

    # ------------------------------------------------------------------
    # The queue
    # ------------------------------------------------------------------

    @api.model
    def _queued_partners(self):
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [("in2dmm_kvk_annual_queued_at", "!=", False)],
                order="in2dmm_kvk_annual_queued_at, id",
            )
        )

    @api.model
    def _pending_documents(self):
        return self.sudo().search(
            [("state", "=", "listed"), ("document_url", "!=", False)],
            order="download_attempts, id",
        )

    @api.model
    def _queue(self, partner, to_the_end=False):
        """Queue ``partner``; return when its list will be fetched."""
        if to_the_end or not partner.in2dmm_kvk_annual_queued_at:
            partner.sudo().in2dmm_kvk_annual_queued_at = fields.Datetime.now()
        queue = self._queued_partners()
        position = queue.ids.index(partner.id)
        wait = self._open_data_wait()
        self._trigger_cron(wait)
        return self._eta(wait + position * self._interval())

    @api.model
    def _request_list(self, partner):
        """The partner's "Annual Accounts" button: fetch the list now when the
        minute is over and nobody waits, else queue it. Returns a client
        action that tells the user what happened and opens the list."""
        self._check_open_data_access()
        partner.ensure_one()
        number = partner.company_registry
        if not number:
            raise UserError(
                self.env._("%(partner)s has no KvK number.", partner=partner.name)
            )
        try:
            kvk_numbers.clean_kvk_number(number)
        except kvk_numbers.InvalidNumber as error:
            raise UserError(partner._in2dmm_kvk_error(partner.name, error)) from error
        queue = self._queued_partners()
        if queue or self._open_data_claim():
            return self._notice_queued(partner, self._queue(partner))
        outcome = self._fetch_list(partner)
        return self._notification(outcome["message"], outcome["type"], partner)

    @api.model
    def _notice_queued(self, partner, eta):
        minutes = max(1, math.ceil((eta - fields.Datetime.now()).total_seconds() / 60))
        return self._notification(
            self.env._(
                "The KvK open data answers one request per minute. The annual "
                "accounts of %(partner)s are fetched at about %(time)s (in "
                "%(minutes)s min); they then appear in this list.",
                partner=partner.display_name,
                time=self._format_time(eta),
                minutes=minutes,
            ),
            "warning",
            partner,
        )

    @api.model
    def _notification(self, message, kind, partner):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("KvK Annual Accounts"),
                "message": message,
                "type": kind,
                "sticky": kind in ("warning", "danger"),
                "next": partner.action_in2dmm_kvk_open_annual_accounts(),
            },
        }

    @api.model
    def _cron_process_queue(self):
        """One call per run, when the minute is over: the oldest queued
        company's list first, then the documents still to retrieve."""
        partners = self._queued_partners()
        documents = self._pending_documents()
        if not partners and not documents:
            return
        wait = self._open_data_claim()
        if wait:
            self._trigger_cron(wait)
            return
        if partners:
            self._fetch_list(partners[0])
        else:
            documents[0]._retrieve_document()
        if self._queued_partners() or self._pending_documents():
            self._trigger_cron(self._open_data_wait())

    # ------------------------------------------------------------------
    # Listing
    # ------------------------------------------------------------------

    @api.model
    def _fetch_list(self, partner):
        """Fetch and store the partner's list (the slot must be claimed).

        :return: dict with ``message`` (translated) and ``type`` (a
            notification type); failures keep what was listed before.
        """
        number = partner.company_registry
        client = self._open_data_client()
        try:
            with client:
                result = client.annual_accounts(number)
        except ValueError as exc:  # an invalid KvK number, caught before sending
            message = self.env._(
                "The annual accounts of %(partner)s cannot be asked: %(error)s",
                partner=partner.display_name,
                error=exc,
            )
            partner.sudo().in2dmm_kvk_annual_queued_at = False
            partner.sudo().message_post(body=message)
            return {"message": message, "type": "danger"}
        except annual.ApiRateLimited as exc:
            self._open_data_defer(exc.retry_after or self._interval())
            return self._retry_later(partner, exc, to_the_end=False)
        except annual.ApiUnavailable as exc:
            return self._retry_later(partner, exc, to_the_end=True)
        except annual.ApiError as exc:
            _logger.info("KvK open data for %s failed: %s", number, exc)
            message = self.env._(
                "The KvK open data did not answer as expected for %(number)s: "
                "%(error)s",
                number=number,
                error=exc,
            )
            partner.sudo().in2dmm_kvk_annual_queued_at = False
            partner.sudo().message_post(body=message)
            return {"message": message, "type": "danger"}
        accounts = self._store_list(partner, result)
        if not accounts:
            message = self.env._(
                "The KvK open data has no annual accounts for %(number)s (it "
                "publishes only adopted accounts filed in XBRL).",
                number=number,
            )
            partner.sudo().message_post(body=message)
            return {"message": message, "type": "info"}
        years = ", ".join(
            str(year)
            for year in sorted(set(accounts.mapped("fiscal_year")), reverse=True)
        )
        message = self.env._(
            "The KvK open data lists %(count)s annual accounts (%(years)s). "
            "Source: %(dataset)s.",
            count=len(accounts),
            years=years,
            dataset=annual.ATTRIBUTION,
        )
        partner.sudo().message_post(body=message)
        pending = accounts.filtered(lambda a: a.state == "listed")
        if pending:
            wait = self._open_data_wait()
            self._trigger_cron(wait)
            ahead = len(self._queued_partners()) + len(self._pending_documents())
            message = "%s %s" % (
                message,
                self.env._(
                    "Their documents are retrieved one per minute, the last at "
                    "about %(time)s.",
                    time=self._format_time(
                        self._eta(wait + (ahead - 1) * self._interval())
                    ),
                ),
            )
        return {"message": message, "type": "success"}

    @api.model
    def _retry_later(self, partner, error, to_the_end):
        _logger.info(
            "KvK open data for %s: %s; queued", partner.company_registry, error
        )
        eta = self._queue(partner, to_the_end=to_the_end)
        return {
            "message": self.env._(
                "The KvK open data cannot answer now (%(error)s). The annual "
                "accounts of %(partner)s are asked again at about %(time)s.",
                error=error,
                partner=partner.display_name,
                time=self._format_time(eta),
            ),
            "type": "warning",
        }

    @api.model
    def _prepare_account_vals(self, account, now):
        vals = {
            "fiscal_year": account.fiscal_year or 0,
            "period_start": account.period_start or False,
            "period_end": account.period_end or False,
            "adoption_date": account.adoption_date or False,
            "deposit_date": account.deposit_date or False,
            "kind": account.kind,
            "size_class": account.size_class or False,
            "consolidated": account.consolidated,
            "sbi_code": account.sbi_code or False,
            "document_url": account.document_url or False,
            "document_type": account.document_type or False,
            "listed_on": now,
            "published_data": "\n".join("%s: %s" % pair for pair in account.fields)
            or False,
        }
        for name in FIGURES:
            amount = getattr(account.figures, name)
            vals[name] = float(amount) if amount is not None else 0.0
        return vals

    @api.model
    def _store_list(self, partner, result):
        """Create or update the listed accounts; nothing listed before is
        removed. Returns the accounts of this answer."""
        existing = {
            account.source_key: account
            for account in self.sudo().search([("partner_id", "=", partner.id)])
        }
        now = fields.Datetime.now()
        no_document = self.env._(
            "The KvK open data gives the figures of these accounts, no document."
        )
        accounts = self.browse()
        for account in result:
            vals = self._prepare_account_vals(account, now)
            record = existing.get(account.key)
            if record:
                if record.state != "attached" and (
                    record.document_url != vals["document_url"]
                ):
                    vals.update(
                        state="listed" if vals["document_url"] else "not_retrievable",
                        message=False if vals["document_url"] else no_document,
                        download_attempts=0,
                    )
                record.sudo().write(vals)
                accounts |= record
                continue
            vals.update(
                partner_id=partner.id,
                kvk_number=result.kvk_number,
                source_key=account.key,
                state="listed" if account.document_url else "not_retrievable",
                message=False if account.document_url else no_document,
            )
            accounts |= self.create(vals)
        partner.sudo().write(
            {"in2dmm_kvk_annual_checked_on": now, "in2dmm_kvk_annual_queued_at": False}
        )
        return accounts

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------

    def _retrieve_document(self):
        """Download the document and attach it to the company and to this
        record (the slot must be claimed). A failure is written on the
        record; passing ones are tried again by the queue."""
        self.ensure_one()
        account = self.sudo()
        client = self._open_data_client()
        try:
            with client:
                document = client.download(account.document_url)
        except ValueError as exc:  # not an address we may fetch
            return account._document_failed(str(exc), final=True)
        except annual.ApiNotFound:
            return account._document_failed(
                self.env._("The KvK has no document at this address (any more)."),
                final=True,
            )
        except annual.ApiRateLimited as exc:
            self._open_data_defer(exc.retry_after or self._interval())
            return account._document_failed(str(exc), final=False, count=False)
        except annual.ApiBadResponse as exc:
            return account._document_failed(str(exc), final=True)
        except annual.ApiError as exc:
            return account._document_failed(str(exc), final=False)
        extension = os.path.splitext(document.filename)[1] or {
            "pdf": ".pdf",
            "xbrl": ".xbrl",
        }.get(document.document_type, "")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "%s %s%s"
                    % (account.kvk_number or "", account.display_name, extension),
                    "raw": document.content,
                    "mimetype": document.content_type,
                    "res_model": "res.partner",
                    "res_id": account.partner_id.id,
                    "description": annual.ATTRIBUTION,
                }
            )
        )
        account.write(
            {
                "attachment_id": attachment.id,
                "state": "attached",
                "message": False,
                "document_type": document.document_type,
            }
        )
        account.partner_id.message_post(
            body=self.env._(
                "%(name)s retrieved from the KvK open data.", name=account.display_name
            ),
            attachment_ids=attachment.ids,
        )
        return True

    def _document_failed(self, error, final, count=True):
        attempts = self.download_attempts + (1 if count else 0)
        give_up = final or attempts >= MAX_DOCUMENT_ATTEMPTS
        if give_up:
            message = self.env._(
                "The document could not be retrieved: %(error)s", error=error
            )
        else:
            message = self.env._(
                "The document could not be retrieved yet (%(error)s); it is tried "
                "again.",
                error=error,
            )
        self.write(
            {
                "download_attempts": attempts,
                "state": "not_retrievable" if give_up else "listed",
                "message": message,
            }
        )
        return False
