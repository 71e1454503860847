from . import test_limit_request
