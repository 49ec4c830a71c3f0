import pytest


@pytest.mark.django_db
def test_care_demo_loads_is_idempotent_and_every_page_renders(client):
    from jiayuan.care.demo import demo_load
    from jiayuan.care.models import Helper, Pairing, RegisterEntry, ReliefApplication
    from jiayuan.screening.demo import demo_load as screening_demo_load
    from jiayuan.screening.models import Visit
    from jiayuan.site.demo import demo_load_all

    # The apps below care (a small people demo), then care's own.
    demo_load_all(only=["divisions", "orgs", "administration", "people"], people=60)
    demo_load()
    screening_demo_load()
    counts = (
        RegisterEntry.objects.count(),
        Helper.objects.count(),
        Pairing.objects.count(),
        ReliefApplication.objects.count(),
        Visit.objects.count(),
    )
    assert counts[0] == 40 and counts[1] == 20 and counts[2] >= 10 and counts[3] >= 5 and counts[4] >= 4
    assert set(ReliefApplication.objects.values_list("status", flat=True)) >= {"disbursed", "pending", "returned"}
    demo_load()
    screening_demo_load()
    assert (
        RegisterEntry.objects.count(),
        Helper.objects.count(),
        Pairing.objects.count(),
        ReliefApplication.objects.count(),
        Visit.objects.count(),
    ) == counts
    _pages_render(client)


def _pages_render(client):
    from jiayuan.accounts.models import User
    from jiayuan.care.models import Pairing, RegisterEntry, ReliefApplication
    from jiayuan.screening.models import Campaign, Hazard

    entry = RegisterEntry.objects.filter(worker__username="shequ").first()
    pairing = Pairing.objects.filter(helper__user__username="aixin").first()
    app = ReliefApplication.objects.filter(division_id=entry.division_id).first()
    campaign = Campaign.objects.first()
    hazard = Hazard.objects.first()
    pages = [
        "/",
        "/care/",
        "/care/?due=1&paired=no&status=all",
        f"/care/register/{entry.pk}/",
        f"/care/register/new/?person={entry.person_id}",
        f"/care/people/{entry.person_id}/plan/",
        f"/care/people/{entry.person_id}/ledger/",
        "/care/pairings/",
        f"/care/pairings/{pairing.pk}/",
        f"/care/pairings/new/?person={entry.person_id}",
        "/care/helpers/",
        "/care/helpers/new/",
        "/care/relief/",
        f"/care/relief/new/?person={entry.person_id}",
        f"/care/relief/{app.pk}/",
        "/care/funds/",
        "/care/condolence/",
        "/reports/care/",
        "/care/board/",
        "/care/reviews/",
        "/care/measures/?overdue=1",
        f"/people/{entry.person_id}/",
        "/screening/",
        f"/screening/{campaign.pk}/",
        f"/screening/{campaign.pk}/visit/",
        "/screening/visits/",
        "/screening/hazards/",
    ]
    if hazard:
        pages.append(f"/screening/hazards/{hazard.pk}/")
    for username in ("shequ", "jiedao", "weiquan"):
        client.force_login(User.objects.get(username=username))
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 302, 404), (username, url, response.status_code)
            if username == "shequ" and "/screening/hazards/" not in url:
                assert response.status_code in (200, 302), (username, url)
    client.force_login(User.objects.get(username="aixin"))
    assert client.get("/care/my-pairings/").status_code == 200
    assert client.get(f"/care/pairings/{pairing.pk}/").status_code == 200
    assert client.get("/care/pairings/").status_code == 302
    assert client.get("/care/").status_code == 404
