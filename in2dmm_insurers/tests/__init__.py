from . import test_limit_request
from . import test_overdue_notice
from . import test_providers
from . import test_policy_rules
