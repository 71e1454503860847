{
    "name": "in2dmm Credit Insurers",
    "summary": "Credit insurers and credit-information bureaus: limits, ratings, "
    "overdue notifications",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/in2dmm/in2dmm",
    "author": "in2dmm",
    "license": "LGPL-3",
    "depends": ["in2dmm_credit"],
    "external_dependencies": {"python": ["requests", "xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/in2dmm_insurers_rules.xml",
        "views/in2dmm_insurer_account_views.xml",
        "views/in2dmm_insurer_limit_request_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "installable": True,
}
