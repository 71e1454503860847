from . import test_dunning_run
from . import test_dunning_execute
from . import test_security
from . import test_res_partner
from . import test_signal
from . import test_collection_law
from . import test_credit_limits
from . import test_collector
