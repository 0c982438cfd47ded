"""The schedule functions of the ledger: the pure rules live in `programmes.schedules`.

The payment run, reconciliation, `audit_ledger` and `simulate` all call the one copy in
`programmes/schedules/` (the rules layer, no ORM), so the ledger holds exactly the rows the dry
run lists. Nothing here needs the ORM; this module keeps the import path `subsidies.schedules`
(and every name of it) working for every caller.
"""

from programmes.schedules import *  # noqa: F403 (the old import path of every public name)
from programmes.schedules import __all__  # noqa: F401
