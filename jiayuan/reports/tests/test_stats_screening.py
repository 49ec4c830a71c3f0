"""The screening section of the care statistics equals counts made here from the rows."""

from jiayuan.screening import services
from jiayuan.screening.tests.test_screening import s, visit_with_hazard
from tests.factories import FUTIAN, MEILIN, XIANGMIHU

__all__ = ["s"]


def test_screening_figures_in_shared_stats_equal_counts(s):
    from jiayuan.reports.stats.care import care_stats
    from jiayuan.screening.models import Hazard, Visit

    hazard = visit_with_hazard(s).hazard
    services.visit_record(
        actor=s.a["community"],
        campaign=s.campaign,
        division_code=s.home,
        visited_on=s.today,
        answers={"family_conflict": True},
        hazard_level="low",
    )
    services.hazard_resolve(actor=s.a["community"], hazard=hazard, expected_version=hazard.version, note="已化解")
    for who, prefix in (("district", FUTIAN), ("street", XIANGMIHU), ("other_street", MEILIN)):
        section = care_stats(actor=s.a[who], start=s.today.replace(day=1), end=s.today).as_dict()["隐患排查"]
        visits = [v for v in Visit.objects.all() if v.division_id.startswith(prefix)]
        hazards = [h for h in Hazard.objects.all() if h.division_id.startswith(prefix)]
        assert section["入户走访"] == len(visits)
        assert section["发现隐患"] == len(hazards)
        assert section["已跟进隐患"] == sum(1 for h in hazards if h.status != "open")
