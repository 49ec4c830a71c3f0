"""Care pages, one module per topic: the register and plans, pairings, relief, statistics. Thin views:
each parses the request, calls one service or selector, renders."""

from .pairings import (
    contact_add,
    helper_list,
    helper_new,
    my_pairings,
    pairing_detail,
    pairing_end,
    pairing_list,
    pairing_new,
)
from .register import (
    entry_detail,
    entry_exit,
    entry_review,
    ledger_page,
    measure_done,
    measure_list,
    plan_page,
    register_create,
    register_list,
    reverse_entry,
    review_list,
)
from .relief import (
    condolence_new,
    dictionary_page,
    fund_list,
    relief_decide,
    relief_detail,
    relief_list,
    relief_new,
    relief_resubmit,
)
from .stats import board_partial, stats_page

__all__ = [
    "board_partial",
    "condolence_new",
    "contact_add",
    "dictionary_page",
    "entry_detail",
    "entry_exit",
    "entry_review",
    "fund_list",
    "helper_list",
    "helper_new",
    "ledger_page",
    "measure_done",
    "measure_list",
    "my_pairings",
    "pairing_detail",
    "pairing_end",
    "pairing_list",
    "pairing_new",
    "plan_page",
    "register_create",
    "register_list",
    "relief_decide",
    "relief_detail",
    "relief_list",
    "relief_new",
    "relief_resubmit",
    "reverse_entry",
    "review_list",
    "stats_page",
]
