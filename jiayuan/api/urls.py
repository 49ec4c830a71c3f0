"""The JSON API: one NinjaAPI, each app's router, Chinese error bodies, OpenAPI at /api/openapi.json."""

from __future__ import annotations

from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jiayuan.activities.api import router as activities_router
from jiayuan.activities.miniprogram import router as miniprogram_router
from jiayuan.administration.accounts.api import router as accounts_router
from jiayuan.api.auth import DEFAULT_AUTH
from jiayuan.care.api import router as care_router
from jiayuan.cases.api import router as cases_router
from jiayuan.childfriendly.api import router as childfriendly_router
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.honours.api import router as honours_router
from jiayuan.imports.api import router as imports_router
from jiayuan.indicators.api import router as indicators_router
from jiayuan.legal.api import router as legal_router
from jiayuan.orgs.api import router as orgs_router
from jiayuan.orgs.divisions_api import router as divisions_router
from jiayuan.people.api import router as people_router
from jiayuan.reports.api import router as reports_router
from jiayuan.screening.api import router as screening_router
from jiayuan.venues.api import router as venues_router
from jiayuan.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="家园 妇女儿童智慧维权关爱系统 API",
    version="1.0",
    description="供 12338 热线、小程序和市级平台调用。除公开接口外，须以 `Authorization: Bearer <令牌>` 调用；"
    "令牌由 `POST /api/token` 签发。超出权限范围的记录一律返回 404。",
    auth=DEFAULT_AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    body: dict[str, object] = {"detail": exc.message}
    errors = getattr(exc, "errors", None)  # ValidationFailed: one message per field
    if errors:
        body["errors"] = errors
    field = getattr(exc, "field", None)
    if field:
        body["field"] = field
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
@api.exception_handler(NotFound)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到该记录。"}, status=404)


@api.exception_handler(ValidationError)
def invalid_request(request, exc: ValidationError):
    problems = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", []) if part not in ("body", "payload"))
        problems.append({"field": location, "message": "取值不正确或缺失"})
    return api.create_response(request, {"detail": "请求参数不正确，请检查后重试。", "errors": problems}, status=422)


@api.exception_handler(MultiPartParserError)
def unreadable_upload(request, exc):
    return api.create_response(
        request, {"detail": "上传的内容无法读取，请以 multipart/form-data 上传文件。"}, status=400
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录或提供有效的令牌。"}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("", accounts_router)
api.add_router("/divisions", divisions_router)
api.add_router("/people", people_router)
api.add_router("/cases", cases_router)
api.add_router("/care", care_router)
api.add_router("/screening", screening_router)
api.add_router("/legal", legal_router)
api.add_router("/imports", imports_router)
api.add_router("/venues", venues_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/activities", activities_router)
api.add_router("/me", miniprogram_router)
api.add_router("/reports", reports_router)
api.add_router("/orgs", orgs_router)
api.add_router("/honours", honours_router)
api.add_router("/indicators", indicators_router)
api.add_router("/childfriendly", childfriendly_router)
urlpatterns = api.urls
