"""Pages of the legal assistant: the public chat and call-back request, the browsable statutes, and the
staff pages (ask with one-click case intake, call-back tickets, review queue, curated answers, guides).

Public pages leave no trace in the browser: nothing in the URL (questions are POSTed), no cookies (no CSRF
token is rendered; the public POSTs are anonymous, CSRF-exempt and rate-limited per client), and
``Cache-Control: no-store`` on every response.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiayuan.access.decorators import public_view, require_perm
from jiayuan.access.fields import mask_phone
from jiayuan.core.actions import run_action
from jiayuan.core.dates import query_int
from jiayuan.core.errors import ApplicationError, ValidationFailed
from jiayuan.core.pagination import paginate
from jiayuan.core.public_assets import public_csp
from jiayuan.core.ratelimit import check as rate_limit_check

from . import selectors, services
from .answers import compose_answer
from .corpus import get_corpus
from .forms import AskForm, CallbackForm, CuratedAnswerForm, PhrasingForm, TicketForm, TopicGuideForm
from .models import Channel, ReviewStatus, TicketStatus

PUBLIC_CONTEXT = {"csrf_token": ""}  # rendering the real token would set a cookie on a public page
LAW_PAGE_GROUP_THRESHOLD = 300
RATE_LIMITED_MESSAGE = "提问太频繁了，请稍等一分钟再试。如有紧急危险，请立即拨打 110；也可以拨打 12338 妇女维权热线。"


def _limited(request, template: str, context: dict, partial: bool, wait: int) -> HttpResponse:
    """Over the project's per-address budget (jiayuan.core.ratelimit): nothing is answered or stored.
    A plain form post gets 429; an HTMX request gets the message where the answer would go (HTMX does
    not swap error responses into the page)."""
    response = _public(request, template, {**context, "error": RATE_LIMITED_MESSAGE}, status=200 if partial else 429)
    response["Retry-After"] = str(wait)
    return response


def _public(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, {**context, **PUBLIC_CONTEXT}, status=status)
    response["Cache-Control"] = "no-store"
    # The page carries its own stylesheets and scripts (no file left in the browser's caches), allowed by hash.
    response["Content-Security-Policy"] = public_csp()
    response["Referrer-Policy"] = "no-referrer"
    return response


def _errors(form_errors: dict) -> dict[str, str]:
    return {field: errs[0] for field, errs in form_errors.items()}


# --- public chat ----------------------------------------------------------------------------------------


@public_view
@require_GET
def chat(request):
    return _public(request, "legal/pages/chat.html", {"form": AskForm()})


@public_view
@csrf_exempt
@require_POST
def ask(request):
    partial = bool(getattr(request, "htmx", False))
    template = "legal/partials/answer.html" if partial else "legal/pages/chat.html"
    form = AskForm(request.POST)
    context = {"form": form, "public": True}
    wait = rate_limit_check(request, "legal_chat")
    if wait is not None:
        return _limited(request, template, context, partial, wait)
    if not form.is_valid():
        return _public(
            request,
            template,
            {**context, "error": next(iter(_errors(form.errors).values()))},
            status=400 if not partial else 200,
        )
    try:
        answer, record = services.question_answer(
            question=form.cleaned_data["question"],
            channel=Channel.WEB,
            conversation_id=form.cleaned_data.get("conversation") or None,
        )
    except ApplicationError as exc:
        return _public(request, template, {**context, "error": exc.message})
    callback = CallbackForm(initial={"question_id": record.pk, "question_text": answer.question})
    # A fresh, empty form: the question is not kept on the page after it is answered; the conversation id
    # goes back in a hidden field so that a follow-up is read with this question.
    return _public(
        request,
        template,
        {
            **context,
            "form": AskForm(initial={"conversation": answer.conversation_id}),
            "answer": answer,
            "callback": callback,
            "oob": partial,
        },
    )


@public_view
@csrf_exempt
@require_POST
def callback(request):
    form = CallbackForm(request.POST)
    context = {"callback": form}
    wait = rate_limit_check(request, "legal_callback")
    if wait is not None:
        return _limited(request, "legal/partials/callback.html", context, bool(getattr(request, "htmx", False)), wait)
    if not form.is_valid():
        return _public(request, "legal/partials/callback.html", {**context, "errors": _errors(form.errors)})
    data = form.cleaned_data
    try:
        services.callback_create(
            phone=data["phone"],
            safe_time=data["safe_time"],
            consent=data["consent"],
            question_id=data.get("question_id"),
            question_text=data.get("question_text") or "",
            note=data.get("note") or "",
        )
    except ValidationFailed as exc:
        return _public(request, "legal/partials/callback.html", {**context, "errors": exc.errors})
    return _public(request, "legal/partials/callback.html", {"done": True})


# --- statutes -----------------------------------------------------------------------------------------


@public_view
@require_GET
def law_list(request):
    return _public(request, "legal/pages/law_list.html", {"laws": selectors.law_list()})


@public_view
@require_GET
def law_detail(request, slug: str):
    law = selectors.law_get(slug)
    articles = list(selectors.article_list(law))
    groups: list[dict] = []
    for art in articles:
        if not groups or groups[-1]["path"] != art.path:
            groups.append({"path": art.path, "articles": []})
        groups[-1]["articles"].append(art)
    for i, group in enumerate(groups):
        group["index"] = i
        group["first"], group["last"] = group["articles"][0].number, group["articles"][-1].number
    selected = None
    if len(articles) > LAW_PAGE_GROUP_THRESHOLD:
        selected = query_int(request.GET, "part", label="条文分组")
        if selected is not None and not 0 <= selected < len(groups):
            selected = None
    return _public(
        request,
        "legal/pages/law_detail.html",
        {
            "law": law,
            "groups": groups,
            "grouped": len(articles) > LAW_PAGE_GROUP_THRESHOLD,
            "selected": groups[selected] if selected is not None else None,
        },
    )


@public_view
@require_GET
def article_detail(request, slug: str, number: int):
    article = selectors.article_get(slug, number)
    prev_n, next_n = selectors.article_neighbours(article)
    return _public(request, "legal/pages/article.html", {"article": article, "prev_n": prev_n, "next_n": next_n})


@public_view
@csrf_exempt
@require_http_methods(["GET", "POST"])
def law_search(request):
    """Search the statutes; POSTed so the words searched never appear in the address bar or history."""
    query = (request.POST.get("q") or "").strip()[:100] if request.method == "POST" else ""
    results, error = [], ""
    if query:
        if rate_limit_check(request, "legal_public") is None:
            results = selectors.article_search(query)
        else:
            error = RATE_LIMITED_MESSAGE
    return _public(request, "legal/pages/law_search.html", {"query": query, "results": results, "error": error})


# --- staff ----------------------------------------------------------------------------------------------


@require_perm("legal.staff")
@require_GET
def staff_home(request):
    tickets = selectors.ticket_list(actor=request.actor, status=TicketStatus.NEW)
    return render(
        request,
        "legal/pages/staff_home.html",
        {
            "form": AskForm(),
            "tickets": [(t, mask_phone(t.phone)) for t in tickets[:10]],
            "ticket_count": tickets.count(),
            "can_curate": request.actor.has_perm("legal.curate"),
            "review_count": selectors.review_queue(actor=request.actor).count()
            if request.actor.has_perm("legal.curate")
            else 0,
        },
    )


@require_perm("legal.staff")
@require_POST
def staff_ask(request):
    form = AskForm(request.POST)
    context = {"form": form, "staff": True}
    if not form.is_valid():
        return render(request, "legal/partials/answer.html", {**context, "error": _errors(form.errors)["question"]})
    answer, record = services.question_answer(
        question=form.cleaned_data["question"], channel=Channel.STAFF, actor=request.actor
    )
    return render(
        request,
        "legal/partials/answer.html",
        {**context, "answer": answer, "record": record, "form": AskForm(), "oob": True},
    )


ASSIST_MAX_CHARS = 2000


@require_perm("legal.staff")
@require_POST
def staff_assist(request):
    """The hotline operator's side panel: as the caller's account is typed (intake page, case page), the
    emergency cues it holds, the topic guidance and the articles, by the same retrieval as the chat. The
    account is read, never stored here (it is kept, encrypted, only when the case is saved)."""
    from .safety import emergency_reasons

    text = ""
    for name in ("account", "note", "text"):
        text = (request.POST.get(name) or "").strip()
        if text:
            break
    text = text[-ASSIST_MAX_CHARS:]
    answer = compose_answer(text, llm=False, curated=False) if text else None
    return render(
        request,
        "legal/partials/assist.html",
        {"answer": answer, "cue_reasons": emergency_reasons(text) if text else [], "text": text},
    )


@require_perm("legal.staff")
@require_GET
def ticket_list(request):
    status = request.GET.get("status") or ""
    tickets = selectors.ticket_list(actor=request.actor, status=status if status in TicketStatus.values else None)
    page = paginate(tickets, request.GET.get("page"), per_page=30)
    rows = [(t, mask_phone(t.phone)) for t in page.object_list]
    return render(
        request,
        "legal/pages/ticket_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": TicketStatus.choices,
        },
    )


@require_perm("legal.staff")
@require_http_methods(["GET", "POST"])
def ticket_detail(request, ticket_id: int):
    ticket = selectors.ticket_get(ticket_id, actor=request.actor)
    phone = mask_phone(ticket.phone)
    form = TicketForm(initial={"status": ticket.status, "outcome": ticket.outcome, "version": ticket.version})
    if request.method == "POST" and request.POST.get("action") == "reveal":
        phone = services.callback_reveal_phone(actor=request.actor, ticket=ticket, request=request)
    elif request.method == "POST":
        form = TicketForm(request.POST)
        if form.is_valid():
            try:
                services.callback_update(
                    actor=request.actor,
                    ticket=ticket,
                    status=form.cleaned_data["status"],
                    outcome=form.cleaned_data["outcome"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "工单已更新。")
                return redirect("legal:ticket", ticket_id=ticket.pk)
    return render(request, "legal/pages/ticket_detail.html", {"ticket": ticket, "phone": phone, "form": form})


@require_perm("legal.curate")
@require_GET
def review_list(request):
    page = paginate(selectors.review_queue(actor=request.actor), request.GET.get("page"), per_page=30)
    return render(request, "legal/pages/review_list.html", {"page": page})


@require_perm("legal.curate")
@require_POST
def review_action(request, question_id: int):
    question = selectors.question_get(question_id, actor=request.actor)
    status = request.POST.get("status", ReviewStatus.DISMISSED)
    run_action(request, lambda: services.question_review(actor=request.actor, question=question, status=status))
    return redirect("legal:review")


@require_perm("legal.curate")
@require_GET
def curated_list(request):
    page = paginate(selectors.curated_list(), request.GET.get("page"), per_page=30)
    return render(request, "legal/pages/curated_list.html", {"page": page})


@require_perm("legal.curate")
@require_http_methods(["GET", "POST"])
def curated_new(request):
    source = None
    question_id = query_int(request.GET, "question", label="咨询记录")
    if question_id is not None:
        source = selectors.question_get(question_id, actor=request.actor)
    form = CuratedAnswerForm(initial={"question": source.text if source else "", "is_active": True})
    if request.method == "POST":
        form = CuratedAnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.curated_create(
                    actor=request.actor,
                    question=data["question"],
                    answer=data["answer"],
                    citations=data["citations"],
                )
                if source is not None:
                    services.question_review(actor=request.actor, question=source, status=ReviewStatus.ANSWERED)
            except ValidationFailed as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "审核问答已保存，之后相同的问题会优先给出这条解答。")
                return redirect("legal:curated_edit", curated_id=entry.pk)
    return render(request, "legal/pages/curated_form.html", {"form": form, "entry": None})


@require_perm("legal.curate")
@require_http_methods(["GET", "POST"])
def curated_edit(request, curated_id: int):
    entry = selectors.curated_get(curated_id)
    form = CuratedAnswerForm(
        initial={
            "question": entry.question,
            "answer": entry.answer,
            "citations": entry.citations,
            "is_active": entry.is_active,
            "version": entry.version,
        }
    )
    if request.method == "POST":
        form = CuratedAnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.curated_update(
                    actor=request.actor,
                    entry=entry,
                    question=data["question"],
                    answer=data["answer"],
                    citations=data["citations"],
                    is_active=data["is_active"],
                    expected_version=data["version"] or 0,
                )
            except ValidationFailed as exc:
                _add_errors(form, exc)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存。")
                return redirect("legal:curated_edit", curated_id=entry.pk)
    return render(request, "legal/pages/curated_form.html", {"form": form, "entry": entry})


@require_perm("legal.curate")
@require_GET
def guide_list(request):
    return render(request, "legal/pages/guide_list.html", {"guides": selectors.topic_guide_list()})


@require_perm("legal.curate")
@require_http_methods(["GET", "POST"])
def guide_edit(request, slug: str):
    guide = selectors.topic_guide_get(slug)
    form = TopicGuideForm(
        initial={
            "title": guide.title,
            "guidance": guide.guidance,
            "help": guide.help,
            "is_active": guide.is_active,
            "version": guide.version,
        }
    )
    if request.method == "POST":
        form = TopicGuideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.topic_guide_update(
                    actor=request.actor,
                    guide=guide,
                    title=data["title"],
                    guidance=data["guidance"],
                    help=data["help"],
                    is_active=data["is_active"],
                    expected_version=data["version"],
                )
            except ValidationFailed as exc:
                _add_errors(form, exc)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "主题指引已保存。")
                return redirect("legal:guides")
    return render(request, "legal/pages/guide_form.html", {"form": form, "guide": guide})


@require_perm("legal.curate")
@require_GET
def phrasing_list(request):
    query = (request.GET.get("q") or "").strip()[:60]
    page = paginate(selectors.phrasing_list(query), request.GET.get("page"), per_page=50)
    corpus = get_corpus()
    rows = []
    for entry in page.object_list:
        law, _, num = entry.ref.rpartition(":")
        art = corpus.get(law, int(num)) if num.isdigit() else None
        rows.append((entry, art))
    return render(request, "legal/pages/phrasing_list.html", {"page": page, "rows": rows, "query": query})


@require_perm("legal.curate")
@require_http_methods(["GET", "POST"])
def phrasing_edit(request, entry_id: int):
    entry = selectors.phrasing_get(entry_id)
    law, _, num = entry.ref.rpartition(":")
    article = get_corpus().get(law, int(num)) if num.isdigit() else None
    form = PhrasingForm(initial={"phrasings": entry.phrasings, "is_active": entry.is_active, "version": entry.version})
    if request.method == "POST":
        form = PhrasingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.phrasing_update(
                    actor=request.actor,
                    entry=entry,
                    phrasings=data["phrasings"],
                    is_active=data["is_active"],
                    expected_version=data["version"],
                )
            except ValidationFailed as exc:
                _add_errors(form, exc)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "常见问法已保存，助手检索马上使用新的问法。")
                return redirect("legal:phrasings")
    return render(request, "legal/pages/phrasing_form.html", {"form": form, "entry": entry, "article": article})


def _add_errors(form, exc: ValidationFailed) -> None:
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)
