"""The report catalogue's venue, volunteer and activity figures equal counts made here from the rows."""

import datetime as dt

from jiayuan.activities import services
from jiayuan.activities.models import Attendance, Session
from jiayuan.reports import selectors as reports
from jiayuan.reports.figures import Period
from jiayuan.venues.models import Venue, VenueType
from jiayuan.venues.services import VenueInput, venue_create
from jiayuan.volunteers import services as volunteer_services
from jiayuan.volunteers.models import ServiceRecord, Volunteer
from tests.factories import make_person, system_actor

from .conftest import make_activity


def test_catalogue_figures_equal_the_rows(scene):
    past = scene.now - dt.timedelta(days=2)
    lecture = make_activity(scene.home, type="family_lecture", start=past, hours=2, sessions=1)
    fair = make_activity(scene.far, type="job_fair", start=past, hours=3, records_names=False)
    for person in (make_person(scene.home), make_person(scene.home)):
        services.attendance_record(actor=system_actor(), session=lecture.sessions.get(), person=person, at=past)
    services.attendance_record(actor=system_actor(), session=fair.sessions.get(), head_count=30, at=past)
    volunteer_services.service_record_create(
        actor=system_actor(),
        volunteer=scene.me,
        title="讲座引导",
        started_at=past,
        minutes=90,
        division_code=scene.home,
        confirm=True,
    )
    volunteer_services.service_record_create(
        actor=system_actor(),
        volunteer=scene.me,
        title="未确认",
        started_at=past - dt.timedelta(days=1),
        minutes=60,
        division_code=scene.home,
    )
    for code in (scene.home, scene.sibling):
        venue_create(
            actor=system_actor(), data=VenueInput(type=VenueType.COMFORT_STATION, name="舒心驿站", division_code=code)
        )
    actor = scene.actors["leader"]
    year = scene.now.year
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if past.year != year:  # early January: the rows fall in last year
        period = Period(dt.date(past.year, 1, 1), dt.date(past.year, 12, 31), "year")
    scope = reports.scope_resolve(actor=actor, division="440304")
    values = {v.code: v.value for v in reports.figure_values(actor=actor, scope=scope, period=period)}
    sessions = [s for s in Session.objects.all() if s.division_id.startswith("440304")]
    present = [a for a in Attendance.objects.all() if a.division_id.startswith("440304")]
    assert values["activities.sessions"] == len(sessions) == 2
    assert values["activities.attendance"] == sum(a.head_count for a in present) == 32
    assert values["activities.family_education"] == sum(1 for s in sessions if s.type == "family_lecture")
    confirmed = [r for r in ServiceRecord.objects.all() if r.status == "confirmed"]
    assert values["volunteers.hours"] == round(sum(r.minutes for r in confirmed) / 60, 1)
    assert values["volunteers.volunteers"] == Volunteer.objects.count()
    in_use = [v for v in Venue.objects.all() if v.division_id.startswith("440304") and v.is_active]
    assert values["venues.total"] == len(in_use) == 2
    covered = {v.division_id for v in in_use if len(v.division_id) == 12}
    assert values["venues.communities_covered"] == len(covered)
    assert values["venues.community_coverage"] == round(100.0 * len(covered) / values["venues.communities"], 1)
