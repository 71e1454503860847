"""pytest tier: load each addon's ``tools/`` package without importing Odoo.

The addons' own ``__init__.py`` import Odoo. For the pure-Python tier we register
each addon folder as a bare namespace-like package, so that
``import in2dmm_credit.tools.dunning`` executes only ``tools/``.
"""

import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("in2dmm_credit", "in2dmm_kvk", "in2dmm_insurers")


def _register_bare_package(name):
    if name in sys.modules:
        return
    module = types.ModuleType(name)
    module.__path__ = [str(ROOT / name)]
    module.__file__ = str(ROOT / name / "__init__.py")
    module.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    module.__spec__.submodule_search_locations = module.__path__
    sys.modules[name] = module


for _addon in ADDONS:
    _register_bare_package(_addon)

DATA_DIR = ROOT / "data"
