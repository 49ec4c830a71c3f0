"""The product's URL map plus two test-only views that fail with personal data in hand."""

from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as product_urlpatterns
from jiayuan.access.decorators import public_view


@public_view
def boom(request):
    id_number = request.POST.get("id_number") or request.GET.get("id_number", "")
    phone = request.POST.get("phone") or request.GET.get("phone", "")
    raise ValueError(f"无法处理证件号 {id_number}，电话 {phone}")


urlpatterns = [path("boom/", boom), path("api/boom/", boom), *product_urlpatterns]
