"""Pages of the knowledge base (知识库, wired by wangge.web.urls through ``routes``): search and list, an article
with its versions and the cases it answered, and the editors' create and edit forms (each save a new version).

The intake page searches it as the call taker types (``knowledge_suggest``, htmx) and may close a 咨询 call on
the spot from an article (``web.views.cases.case_intake``, through ``knowledge.services.answer_call``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import Unit
from wangge.core.errors import Conflict, DomainError
from wangge.knowledge import selectors
from wangge.knowledge.choices import ArticleStatus
from wangge.knowledge.models import Article
from wangge.knowledge.services import article_create, article_update
from wangge.web.forms import CategoryChoiceField, UnitChoiceField, leaf_categories
from wangge.web.views.common import paginate

SUGGEST_LIMIT = 5


class ArticleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    keywords = forms.CharField(
        label=gettext_lazy("常见问法与关键词"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行一个，如“社保卡丢了怎么办”“补办”；受理时按这些词检索"),
    )
    answer = forms.CharField(label=gettext_lazy("答复口径"), widget=forms.Textarea(attrs={"rows": 8}))
    category = CategoryChoiceField(
        label=gettext_lazy("事项分类（选填）"), queryset=leaf_categories(), required=False, empty_label="—"
    )
    unit = UnitChoiceField(
        label=gettext_lazy("主管部门（选填）"), queryset=Unit.objects.none(), required=False, empty_label="—"
    )
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=ArticleStatus.choices)
    note = forms.CharField(label=gettext_lazy("修订说明（选填）"), max_length=200, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("kind", "code")  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("title", "keywords", "answer", "category", "unit", "status", "note")}


def _require_reader(request: HttpRequest) -> None:
    if not selectors.may_read(request.user):
        raise PermissionDenied


def _article(request: HttpRequest, pk: int) -> Article:
    article = selectors.visible_articles(request.user).filter(pk=pk).first()
    if article is None:
        raise Http404(_("知识条目不存在"))
    return article


@login_required
def knowledge_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    q = (request.GET.get("q") or "").strip()
    items: Any = selectors.search(request.user, q, limit=50) if q else selectors.visible_articles(request.user)
    return render(
        request,
        "web/knowledge/list.html",
        {"q": q, "page": paginate(request, items), "may_edit": selectors.may_edit(request.user)},
    )


@login_required
def knowledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    article = _article(request, pk)
    versions = list(selectors.article_versions(article))
    shown = None
    if request.GET.get("v", "").isdigit():
        shown = next((v for v in versions if v.number == int(request.GET["v"])), None)
    return render(
        request,
        "web/knowledge/detail.html",
        {
            "article": article,
            "versions": versions,
            "shown": shown,
            "cases": selectors.answered_cases(request.user, article)[:20],
            "may_edit": selectors.may_edit(request.user),
        },
    )


def _require_editor(request: HttpRequest) -> None:
    if not selectors.may_edit(request.user):
        raise PermissionDenied


@login_required
def knowledge_new(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = ArticleForm(request.POST or None, initial={"status": ArticleStatus.DRAFT})
    if request.method == "POST" and form.is_valid():
        try:
            article = article_create(actor=request.user, **form.values())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已新建知识条目"))
            return redirect("web:knowledge_detail", pk=article.pk)
    return render(request, "web/knowledge/edit.html", {"form": form, "article": None})


@login_required
def knowledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    article = _article(request, pk)
    initial = {
        "title": article.title,
        "keywords": article.keywords,
        "answer": article.answer,
        "category": article.category_id,
        "unit": article.unit_id,
        "status": article.status,
        "expected_version": article.version,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = article_update(
                actor=request.user,
                article_id=article.pk,
                expected_version=form.cleaned_data["expected_version"],
                **form.values(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 409 if isinstance(exc, Conflict) else 400
        else:
            if saved.version == article.version:
                messages.info(request, _("内容没有变化，未生成新版本"))
            else:
                messages.success(request, _("已保存为第 %(v)s 版") % {"v": saved.version})
            return redirect("web:knowledge_detail", pk=article.pk)
    return render(request, "web/knowledge/edit.html", {"form": form, "article": article}, status=status)


@login_required
def knowledge_suggest(request: HttpRequest) -> HttpResponse:
    """The published articles matching what the call taker typed (htmx partial of the intake page)."""
    _require_reader(request)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    if not q:  # the intake form's title and description, as the call taker types them
        q = " ".join(request.POST.get(k, "") for k in ("title", "description")).strip()[:200]
    found = selectors.search(request.user, q, limit=SUGGEST_LIMIT, published_only=True) if len(q) >= 2 else []
    return render(request, "web/knowledge/partials/suggest.html", {"articles": found, "q": q})


routes: list[URLPattern] = [
    path("knowledge/", knowledge_list, name="knowledge_list"),
    path("knowledge/new/", knowledge_new, name="knowledge_new"),
    path("knowledge/suggest/", knowledge_suggest, name="knowledge_suggest"),
    path("knowledge/<int:pk>/", knowledge_detail, name="knowledge_detail"),
    path("knowledge/<int:pk>/edit/", knowledge_edit, name="knowledge_edit"),
]
