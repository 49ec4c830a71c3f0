"""The honours counts read one grouped query whatever the number of honours."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiayuan.honours import services
from jiayuan.honours.models import HonourKind
from tests.factories import make_org


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_counts_queries_do_not_grow_with_the_honours(place, django_assert_max_num_queries):
    kinds = list(HonourKind.objects.filter(holder_type="organisation"))
    district, city = Client(), Client()
    district.force_login(place.users["district"])
    city.force_login(place.users["city"])

    def grant(n: int) -> None:
        for i in range(n):
            services.honour_record(
                actor=place.actors["district"],
                kind_id=kinds[i % len(kinds)].pk,
                level=["district", "street"][i % 2],
                year=2024,
                holder_type="organisation",
                holder_id=make_org(place.home if i % 2 else place.far).pk,
            )

    grant(1)
    urls = ["/api/honours/counts?year=2024", "/honours/counts/?year=2024"]
    for url in urls:
        district.get(url)
        city.get(url)
    few = {url: (_queries(district, url), _queries(city, url)) for url in urls}
    grant(9)
    assert {url: (_queries(district, url), _queries(city, url)) for url in urls} == few
    assert district.get(urls[0]).json()["total"] == 10
    with django_assert_max_num_queries(6):
        city.get(urls[0])
