"""The statistics API for the city platform and mini-programs: the catalogue and figure values of a place."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from jiayuan.api.routing import operation

from . import figures as catalogue
from . import selectors

router = Router(tags=["统计报表"])


class DimensionOut(Schema):
    code: str
    label: str


class CatalogueFigureOut(Schema):
    code: str
    label: str
    unit: str
    module: str
    module_label: str
    definition: str
    date_basis: str
    permission: str
    recorded: bool
    dimensions: list[DimensionOut]
    placeholder: str


class FigureValueOut(Schema):
    code: str
    label: str
    unit: str
    module: str
    value: float | int | str | None
    recorded: bool
    display: str
    link: str


class FiguresOut(Schema):
    division: str
    division_name: str
    start: dt.date
    end: dt.date
    figures: list[FigureValueOut]


@operation(router, "GET", "/catalogue", perm="reports.view", response=list[CatalogueFigureOut])
def catalogue_list(request):
    """Every figure the product reports: code, label, unit, module, definition, counting date, permission.

    Figures of a module not yet in the product are listed with `recorded: false` (their value is "尚未记录")."""
    mods = catalogue.modules()
    return [
        {
            **f.describe(),
            "module_label": mods[f.module].label,
            "placeholder": f.code.replace(".", "_"),
        }
        for f in catalogue.figures().values()
    ]


@operation(router, "GET", "/figures", perm="reports.view", response=FiguresOut)
def figure_list(
    request,
    division: str = "",
    period: str = "",
    year: str = "",
    quarter: str = "",
    month: str = "",
    start: str = "",
    end: str = "",
):
    """Values of the figures the caller may see, for a place (its code; default: the caller's whole scope) and a
    period (`from`/`to` dates, or `period=year|quarter|month` with `year`/`quarter`/`month`).

    `value` is null and `display` is "尚未记录" where the module was not in use; 0 where it was and nothing
    happened. `link` opens the masked list of the records behind the figure."""
    params = {
        "period": period,
        "year": year,
        "quarter": quarter,
        "month": month,
        "from": request.GET.get("from", start),
        "to": request.GET.get("to", end),
    }
    scope = selectors.scope_resolve(actor=request.actor, division=division)
    when = selectors.period_parse(params, today=timezone.localdate())
    values = selectors.figure_values(actor=request.actor, scope=scope, period=when)
    return {
        "division": scope.code,
        "division_name": scope.name,
        "start": when.start,
        "end": when.end,
        "figures": [v.as_dict() for v in values],
    }
