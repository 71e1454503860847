from . import in2dmm_insurer_account
from . import res_company
from . import res_config_settings
from . import in2dmm_insurer_limit_request
from . import in2dmm_insurer_overdue_notice
from . import in2dmm_insurer_decision_import
