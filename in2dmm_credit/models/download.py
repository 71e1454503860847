"""Hand a generated file to the browser: an attachment and a download URL."""

import base64

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_action(env, name, data, mimetype=XLSX, res_model=False, res_id=False):
    attachment = env["ir.attachment"].create(
        {
            "name": name.replace("/", "-"),
            "datas": base64.b64encode(data),
            "mimetype": mimetype,
            "res_model": res_model,
            "res_id": res_id,
        }
    )
    return url_action(attachment)


def url_action(attachment):
    """The browser downloads ``attachment``."""
    return {
        "type": "ir.actions.act_url",
        "url": "/web/content/%s?download=true" % attachment.id,
        "target": "self",
    }
