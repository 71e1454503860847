import base64

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import file_exchange


class In2dmmInsurerDecisionImport(models.TransientModel):
    """Read the insurer's decisions file; each line settles one limit request."""

    _name = "in2dmm.insurer.decision.import"
    _description = "Import Insurer Decisions"

    account_id = fields.Many2one(
        "in2dmm.insurer.account", string="Insurer", required=True
    )
    file = fields.Binary(required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        try:
            lines = file_exchange.parse_decisions(base64.b64decode(self.file))
        except file_exchange.FileExchangeError as exc:
            raise UserError(
                self.env._("The decisions file cannot be read: %(error)s", error=exc)
            ) from exc
        Request = self.env["in2dmm.insurer.limit.request"]
        unknown = []
        for line in lines:
            request = Request.search(
                [
                    ("id", "=", int(line.reference) if line.reference.isdigit() else 0),
                    ("account_id", "=", self.account_id.id),
                ]
            )
            if not request:
                unknown.append(line.reference)
                continue
            request._apply(line.decision)
        if unknown:
            # nothing is half-imported: the whole file is refused
            raise UserError(
                self.env._(
                    "These references are not limit requests of %(insurer)s: "
                    "%(refs)s. Nothing was imported.",
                    insurer=self.account_id.name,
                    refs=", ".join(unknown),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s decisions imported.", count=len(lines)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
