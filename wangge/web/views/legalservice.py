"""Pages of 公共法律服务 (wired by wangge.web.urls through ``routes``): the home page with its figures, the coverage of
communities by advisers and liaisons, lists and forms of every register (advisers with their service records,
法律明白人 with their counts per street, liaisons, legal-aid points, consultations) and the legal-aid case with
the steps of its workflow.

Everything is scoped: a row outside the user's ``view`` scope answers 404 like a missing one; the forms offer the
nodes the user may change (``change``: community and street staff, administrators) and the services decide every
write. Personal numbers are masked; an entitled user reveals them with one audited POST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model as DjangoModel
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers
from wangge.core.scoping import CHANGE
from wangge.core.validators import mask_id_number, mask_phone
from wangge.core.workflow import Transition
from wangge.legalservice import selectors, services
from wangge.legalservice.choices import (
    AidMatter,
    AidPointKind,
    AidStatus,
    ConsultChannel,
    LiaisonRole,
    Referral,
    ServiceKind,
)
from wangge.legalservice.filtersets import (
    ConsultationFilterSet,
    LegalAdviserFilterSet,
    LegalAidCaseFilterSet,
    LegalAidPointFilterSet,
    LegalLiterateFilterSet,
    LiaisonFilterSet,
)
from wangge.legalservice.models import (
    AdviserCommunity,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.workflow import EVENT_LABELS, TRANSITIONS, available
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm

M = TypeVar("M", bound=DjangoModel)
PER_PAGE = 30
ABOVE_GRID = (TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY)
ANY_LEVEL = (*ABOVE_GRID, TerritoryKind.GRID)


# --- helpers -------------------------------------------------------------------------------------------------


def scoped_get(queryset: QuerySet[M], pk: int) -> M:
    """The row ``pk`` of an already scoped queryset, or 404 (out of scope reads exactly like missing)."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在"))
    return obj


def may_keep(user: Any) -> bool:
    """Whether the user keeps the registers of any node (the 登记 buttons)."""
    return bool(Territory.objects.restrict(user, CHANGE).exists())


def _nodes(user: Any, kinds: tuple[str, ...]) -> QuerySet[Territory]:
    return Territory.objects.restrict(user, CHANGE).filter(kind__in=kinds).order_by("code")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceForm(forms.Form):
    """A form whose ``save(actor)`` calls a service; the service's refusals are put on the fields they name."""

    def save(self, actor: Any) -> Any:  # pragma: no cover - every form defines it
        raise NotImplementedError

    def submit(self, actor: Any) -> Any | None:
        if not self.is_valid():
            return None
        try:
            return self.save(actor)
        except DomainError as exc:
            placed = False
            for detail in exc.details if isinstance(exc.details, list) else []:
                field = detail.get("field") if isinstance(detail, dict) else None
                if field in self.fields:
                    self.add_error(field, str(detail.get("reason") or exc.message))
                    placed = True
            if not placed:
                self.add_error(None, exc.message)
            return None


def _form_page(
    request: HttpRequest,
    form_class: Callable[..., ServiceForm],
    *,
    title: str,
    back: str,
    done: Callable[[Any], str],
    message: Callable[[Any], str],
) -> HttpResponse:
    user = request.user
    if not may_keep(user):
        raise Http404(_("您没有可登记的辖区"))
    form = form_class(request.POST or None, user=user)
    if request.method == "POST":
        saved = form.submit(user)
        if saved is not None:
            messages.success(request, message(saved))
            return redirect(done(saved))
    return render(request, "web/legalservice/form.html", {"form": form, "title": title, "back": back})


def _list_page(
    request: HttpRequest,
    *,
    qs: QuerySet[Any],
    filterset_class: Any,
    title: str,
    headers: list[str],
    row: Callable[[Any], list[Any]],
    new: tuple[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    filterset = filterset_class(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    context = {
        "title": title,
        "filterset": filterset,
        "page": page,
        "headers": headers,
        "rows": [row(obj) for obj in page.object_list],
        "querystring": querystring_without(request, "page"),
        "new": new if new is not None and may_keep(request.user) else None,
        **(extra or {}),
    }
    return render(request, "web/legalservice/list.html", context)


def _cell(text: Any, url: str = "") -> dict[str, Any]:
    return {"text": text, "url": url}


def _period(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return "—"
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d} 起"


# --- home and coverage ----------------------------------------------------------------------------------------


@login_required
def legal_home(request: HttpRequest) -> HttpResponse:
    """The figures of the user's scope: adviser coverage, 法律明白人, liaison coverage, legal-aid cases by status and
    the consultations of this month."""
    summary = selectors.legal_summary(request.user)
    statuses = [(value, label, summary["cases"]["by_status"][value]) for value, label in AidStatus.choices]
    channels = [(label, summary["consultations"]["by_channel"][value]) for value, label in ConsultChannel.choices]
    context = {"s": summary, "statuses": statuses, "channels": channels, "can_keep": may_keep(request.user)}
    return render(request, "web/legalservice/home.html", context)


@login_required
def legal_coverage(request: HttpRequest) -> HttpResponse:
    """Per community: its advisers and its liaisons today; ``?missing=adviser`` or ``?missing=liaison`` keeps the
    communities lacking them."""
    rows = all_rows = selectors.coverage(request.user)
    missing = request.GET.get("missing", "")
    if missing == "adviser":
        rows = [r for r in rows if not r["has_adviser"]]
    elif missing == "liaison":
        rows = [r for r in rows if not r["liaisons_complete"]]
    context = {
        "rows": rows,
        "missing": missing,
        "roles": [label for _value, label in LiaisonRole.choices],
        "total": len(all_rows),
        "no_adviser": sum(1 for r in all_rows if not r["has_adviser"]),
        "liaison_gaps": sum(1 for r in all_rows if not r["liaisons_complete"]),
    }
    return render(request, "web/legalservice/coverage.html", context)


# --- advisers ---------------------------------------------------------------------------------------------------


class AdviserForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    law_firm = forms.CharField(label=gettext_lazy("律师事务所"), max_length=100)
    licence_no = forms.CharField(label=gettext_lazy("执业证号"), max_length=17, help_text=gettext_lazy("17 位数字"))
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    territory = forms.ModelChoiceField(label=gettext_lazy("登记辖区"), queryset=Territory.objects.none())
    communities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("服务社区（村）"), queryset=Territory.objects.none(), required=False
    )
    since = forms.DateField(label=gettext_lazy("聘任日期"), required=False, widget=_date_widget())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _nodes(user, ABOVE_GRID)  # type: ignore[attr-defined]
        self.fields["communities"].queryset = _nodes(user, (TerritoryKind.COMMUNITY,))  # type: ignore[attr-defined]

    def save(self, actor: Any) -> LegalAdviser:
        d = self.cleaned_data
        return services.adviser_create(
            actor=actor,
            name=d["name"],
            law_firm=d["law_firm"],
            licence_no=d["licence_no"],
            phone=d["phone"],
            territory=d["territory"],
            communities=list(d["communities"]),
            since=d["since"],
        )


class ServeForm(ServiceForm):
    community = forms.ModelChoiceField(label=gettext_lazy("服务社区（村）"), queryset=Territory.objects.none())
    since = forms.DateField(label=gettext_lazy("聘任日期"), required=False, widget=_date_widget())

    def __init__(self, *args: Any, user: Any, adviser: LegalAdviser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adviser = adviser
        self.fields["community"].queryset = _nodes(user, (TerritoryKind.COMMUNITY,))  # type: ignore[attr-defined]

    def save(self, actor: Any) -> AdviserCommunity:
        d = self.cleaned_data
        return services.adviser_serve(actor=actor, adviser=self.adviser, community=d["community"], since=d["since"])


class ServiceRecordForm(ServiceForm):
    community = forms.ModelChoiceField(label=gettext_lazy("社区（村）"), queryset=Territory.objects.none())
    date = forms.DateField(label=gettext_lazy("服务日期"), widget=_date_widget())
    kind = forms.ChoiceField(label=gettext_lazy("服务类型"), choices=ServiceKind.choices)
    attendees = forms.IntegerField(label=gettext_lazy("服务人数"), min_value=0, max_value=100000, initial=0)
    notes = forms.CharField(
        label=gettext_lazy("服务内容"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, adviser: LegalAdviser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adviser = adviser
        served = adviser.served.values("community_id")
        self.fields["community"].queryset = _nodes(user, (TerritoryKind.COMMUNITY,)).filter(pk__in=served)  # type: ignore[attr-defined]
        self.initial.setdefault("date", timezone.localdate())

    def save(self, actor: Any) -> Any:
        d = self.cleaned_data
        return services.adviser_service_record(
            actor=actor,
            adviser=self.adviser,
            community=d["community"],
            date=d["date"],
            kind=d["kind"],
            attendees=d["attendees"] or 0,
            notes=d["notes"],
        )


def _advisers(user: Any) -> QuerySet[LegalAdviser]:
    return LegalAdviser.objects.restrict(user).select_related("territory").order_by("name", "id")


@login_required
def legal_advisers(request: HttpRequest) -> HttpResponse:
    def row(a: LegalAdviser) -> list[Any]:
        served = ", ".join(c.community.name for c in a.served.all() if c.until is None)
        return [
            _cell(a.name, reverse("web:legal_adviser", args=[a.pk])),
            _cell(a.law_firm),
            _cell(a.licence_no),
            _cell(mask_phone(a.phone or "")),
            _cell(served or "—"),
            _cell(_("在任") if a.is_active else _("离任")),
        ]

    qs: Any = _advisers(request.user).prefetch_related("served__community")
    return _list_page(
        request,
        qs=qs,
        filterset_class=LegalAdviserFilterSet,
        title=_("法律顾问（一村（社区）一法律顾问）"),
        headers=[_("姓名"), _("律师事务所"), _("执业证号"), _("联系电话"), _("服务社区"), _("状态")],
        row=row,
        new=(reverse("web:legal_adviser_new"), _("登记法律顾问")),
    )


@login_required
def legal_adviser_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        AdviserForm,
        title=_("登记法律顾问"),
        back=reverse("web:legal_advisers"),
        done=lambda a: reverse("web:legal_adviser", args=[a.pk]),
        message=lambda a: _("已登记法律顾问 %(name)s") % {"name": a.name},
    )


@login_required
def legal_adviser(request: HttpRequest, pk: int) -> HttpResponse:
    """An adviser: the communities served, the service records, and the forms to add either."""
    user = request.user
    adviser = scoped_get(_advisers(user), pk)
    serve_form: ServiceForm = ServeForm(user=user, adviser=adviser, prefix="serve")
    record_form: ServiceForm = ServiceRecordForm(user=user, adviser=adviser, prefix="record")
    if request.method == "POST":
        form: ServiceForm = (
            ServeForm(request.POST, user=user, adviser=adviser, prefix="serve")
            if "serve-community" in request.POST
            else ServiceRecordForm(request.POST, user=user, adviser=adviser, prefix="record")
        )
        if form.submit(user) is not None:
            messages.success(request, _("已保存"))
            return redirect("web:legal_adviser", pk=adviser.pk)
        if isinstance(form, ServeForm):
            serve_form = form
        else:
            record_form = form
    links = adviser.served.select_related("community").order_by("community__code")
    services_ = adviser.services.select_related("community").restrict(user).order_by("-date", "-id")[:100]  # type: ignore[attr-defined]
    context = {
        "adviser": adviser,
        "links": links,
        "releasable": set(
            AdviserCommunity.objects.restrict(user, CHANGE)
            .filter(adviser=adviser, until__isnull=True)
            .values_list("pk", flat=True)
        ),
        "services": services_,
        "phone_masked": mask_phone(adviser.phone or ""),
        "can_reveal": bool(adviser.phone) and selectors.may_reveal(user, adviser),
        "can_keep": may_keep(user),
        "serve_form": serve_form,
        "record_form": record_form if record_form.fields["community"].queryset.exists() else None,  # type: ignore[attr-defined]
    }
    return render(request, "web/legalservice/adviser.html", context)


@login_required
@require_POST
def legal_adviser_release(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """End the adviser's service of one community today (解聘); the link stays as history."""
    user = request.user
    adviser = scoped_get(_advisers(user), pk)
    links: Any = AdviserCommunity.objects.restrict(user, CHANGE).select_related("community").filter(adviser=adviser)
    link = scoped_get(links, link_pk)
    try:
        services.adviser_release(actor=user, link=link)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已解聘：%(community)s") % {"community": link.community.name})
    return redirect("web:legal_adviser", pk=adviser.pk)


def _reveal_response(request: HttpRequest, obj: Any, fields: tuple[str, ...]) -> HttpResponse:
    shown = selectors.reveal(user=request.user, obj=obj, fields=fields, ip=client_ip(request))
    if not shown:
        return HttpResponse(_("无权查看完整号码"), status=403)
    parts = [
        format_html('<a class="mono" href="tel:{0}">{0}</a>', value)
        if name.endswith("phone")
        else format_html('<span class="mono">{}</span>', value)
        for name, value in shown.items()
        if value
    ]
    return HttpResponse(format_html_join(" · ", "{}", ((p,) for p in parts)))


@login_required
@require_POST
def legal_adviser_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    return _reveal_response(request, scoped_get(_advisers(request.user), pk), ("phone",))


# --- 法律明白人 ----------------------------------------------------------------------------------------------------


class LiterateForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    grid = forms.ModelChoiceField(label=gettext_lazy("所在网格"), queryset=Territory.objects.none())
    identity = forms.CharField(label=gettext_lazy("身份"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    trained_on = forms.DateField(label=gettext_lazy("培训日期"), required=False, widget=_date_widget())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = _nodes(user, (TerritoryKind.GRID,))  # type: ignore[attr-defined]

    def save(self, actor: Any) -> LegalLiterate:
        return services.literate_create(actor=actor, **self.cleaned_data)


@login_required
def legal_literates(request: HttpRequest) -> HttpResponse:
    def row(p: LegalLiterate) -> list[Any]:
        return [
            _cell(p.name),
            _cell(p.grid.name),
            _cell(p.identity or "—"),
            _cell(mask_phone(p.phone or "")),
            _cell(f"{p.trained_on:%Y-%m-%d}" if p.trained_on else "—"),
        ]

    qs: Any = LegalLiterate.objects.restrict(request.user).select_related("grid").order_by("grid__code", "name", "id")
    by_street = selectors.literates_by_street(request.user)
    return _list_page(
        request,
        qs=qs,
        filterset_class=LegalLiterateFilterSet,
        title=_("法律明白人"),
        headers=[_("姓名"), _("所在网格"), _("身份"), _("联系电话"), _("培训日期")],
        row=row,
        new=(reverse("web:legal_literate_new"), _("登记法律明白人")),
        extra={"by_street": by_street, "by_street_total": sum(r["count"] for r in by_street)},
    )


@login_required
def legal_literate_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        LiterateForm,
        title=_("登记法律明白人"),
        back=reverse("web:legal_literates"),
        done=lambda p: reverse("web:legal_literates"),
        message=lambda p: _("已登记法律明白人 %(name)s") % {"name": p.name},
    )


# --- liaisons -----------------------------------------------------------------------------------------------------


class LiaisonForm(ServiceForm):
    role = forms.ChoiceField(label=gettext_lazy("身份"), choices=LiaisonRole.choices)
    institution = forms.CharField(label=gettext_lazy("所在单位"), max_length=100)
    person_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    community = forms.ModelChoiceField(label=gettext_lazy("联系社区（村）"), queryset=Territory.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("开始日期"), widget=_date_widget())
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), required=False, widget=_date_widget())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _nodes(user, (TerritoryKind.COMMUNITY,))  # type: ignore[attr-defined]

    def save(self, actor: Any) -> Liaison:
        return services.liaison_create(actor=actor, **self.cleaned_data)


class LiaisonEndForm(ServiceForm):
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=_date_widget())

    def __init__(self, *args: Any, user: Any, liaison: Liaison, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.liaison = liaison
        self.initial.setdefault("ends_on", timezone.localdate())

    def save(self, actor: Any) -> Liaison:
        return services.liaison_end(actor=actor, liaison=self.liaison, ends_on=self.cleaned_data["ends_on"])


@login_required
def legal_liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a liaison assignment (调离、轮换); the assignment stays listed with its period."""
    user = request.user
    liaison: Liaison = scoped_get(Liaison.objects.restrict(user, CHANGE).select_related("community"), pk)
    form = LiaisonEndForm(request.POST or None, user=user, liaison=liaison)
    if request.method == "POST" and form.submit(user) is not None:
        messages.success(request, _("已结束 %(name)s 的联系") % {"name": liaison.person_name})
        return redirect("web:legal_liaisons")
    title = _("结束联系：%(role)s %(name)s（%(community)s）") % {
        "role": liaison.get_role_display(),
        "name": liaison.person_name,
        "community": liaison.community.name,
    }
    context = {"form": form, "title": title, "back": reverse("web:legal_liaisons")}
    return render(request, "web/legalservice/form.html", context)


@login_required
def legal_liaisons(request: HttpRequest) -> HttpResponse:
    def row(x: Liaison) -> list[Any]:
        return [
            _cell(x.get_role_display()),
            _cell(x.person_name),
            _cell(x.institution),
            _cell(x.community.name),
            _cell(mask_phone(x.phone or "")),
            _cell(_period(x.starts_on, x.ends_on)),
            _cell(_("结束联系"), reverse("web:legal_liaison_end", args=[x.pk])) if x.pk in changeable else _cell(""),
        ]

    qs: Any = (
        Liaison.objects.restrict(request.user).select_related("community").order_by("community__code", "role", "id")
    )
    changeable: set[int] = set(
        Liaison.objects.restrict(request.user, CHANGE).filter(ends_on__isnull=True).values_list("pk", flat=True)
    )
    return _list_page(
        request,
        qs=qs,
        filterset_class=LiaisonFilterSet,
        title=_("法官、检察官、民警、律师联系社区"),
        headers=[_("身份"), _("姓名"), _("所在单位"), _("联系社区"), _("联系电话"), _("联系期间"), ""],
        row=row,
        new=(reverse("web:legal_liaison_new"), _("登记联络人")),
    )


@login_required
def legal_liaison_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        LiaisonForm,
        title=_("登记联络人"),
        back=reverse("web:legal_liaisons"),
        done=lambda x: reverse("web:legal_liaisons"),
        message=lambda x: _("已登记 %(role)s %(name)s") % {"role": x.get_role_display(), "name": x.person_name},
    )


# --- legal-aid points ---------------------------------------------------------------------------------------------


class AidPointForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=AidPointKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("所在辖区"), queryset=Territory.objects.none())
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    opening_hours = forms.CharField(
        label=gettext_lazy("开放时间"), max_length=100, required=False, initial=gettext_lazy("工作日 9:00-17:00")
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _nodes(user, ANY_LEVEL)  # type: ignore[attr-defined]

    def save(self, actor: Any) -> LegalAidPoint:
        return services.aid_point_create(actor=actor, **self.cleaned_data)


@login_required
def legal_aid_points(request: HttpRequest) -> HttpResponse:
    def row(p: LegalAidPoint) -> list[Any]:
        return [
            _cell(p.name, reverse("web:legal_aid_cases") + f"?point={p.pk}"),
            _cell(p.get_kind_display()),
            _cell(p.territory.name),
            _cell(p.address or "—"),
            _cell(p.opening_hours or "—"),
            _cell(" ".join(x for x in (p.contact_name, p.contact_phone) if x) or "—"),
        ]

    qs: Any = (
        LegalAidPoint.objects.restrict(request.user).select_related("territory").order_by("territory__code", "name")
    )
    return _list_page(
        request,
        qs=qs,
        filterset_class=LegalAidPointFilterSet,
        title=_("法律援助工作站与联络点"),
        headers=[_("名称"), _("类型"), _("所在辖区"), _("地址"), _("开放时间"), _("联系人")],
        row=row,
        new=(reverse("web:legal_aid_point_new"), _("登记站点")),
    )


@login_required
def legal_aid_point_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        AidPointForm,
        title=_("登记法律援助站点"),
        back=reverse("web:legal_aid_points"),
        done=lambda p: reverse("web:legal_aid_points"),
        message=lambda p: _("已登记 %(name)s") % {"name": p.name},
    )


# --- legal-aid cases ------------------------------------------------------------------------------------------------


class AidCaseForm(ServiceForm):
    territory = forms.ModelChoiceField(label=gettext_lazy("申请人所在辖区"), queryset=Territory.objects.none())
    point = forms.ModelChoiceField(
        label=gettext_lazy("受理站点"), queryset=LegalAidPoint.objects.none(), required=False
    )
    applicant_name = forms.CharField(label=gettext_lazy("申请人"), max_length=50)
    applicant_id_number = forms.CharField(label=gettext_lazy("申请人身份证号"), max_length=18, required=False)
    applicant_phone = forms.CharField(label=gettext_lazy("申请人电话"), max_length=32, required=False)
    matter = forms.ChoiceField(label=gettext_lazy("事项类型"), choices=AidMatter.choices)
    summary = forms.CharField(
        label=gettext_lazy("案情摘要"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("申请时间"),
        required=False,
        help_text=gettext_lazy("补录纸质申请时填写；留空为当前时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _nodes(user, ANY_LEVEL)  # type: ignore[attr-defined]
        self.fields["point"].queryset = LegalAidPoint.objects.restrict(user).filter(is_active=True)  # type: ignore[attr-defined]

    def save(self, actor: Any) -> LegalAidCase:
        return services.legal_aid_apply(actor=actor, **self.cleaned_data)


class AidStepForm(StepForm):
    """The inputs of one step of the legal-aid workflow, generated from ``legalservice.workflow``."""


def _cases(user: Any) -> QuerySet[LegalAidCase]:
    return LegalAidCase.objects.restrict(user).select_related("territory", "point")


@login_required
def legal_aid_cases(request: HttpRequest) -> HttpResponse:
    now = timezone.now()

    def row(c: LegalAidCase) -> list[Any]:
        overdue = selectors.is_review_overdue(c, now)
        return [
            _cell(c.code, reverse("web:legal_aid_case", args=[c.pk])),
            _cell(c.applicant_name),
            _cell(c.get_matter_display()),
            _cell(c.territory.name),
            _cell(f"{timezone.localtime(c.received_at):%Y-%m-%d}"),
            _cell(c.lawyer_name or "—"),
            _cell(c.get_status_display() + (_("（审查超期）") if overdue else "")),
        ]

    qs: Any = _cases(request.user).order_by("-received_at", "-id")
    return _list_page(
        request,
        qs=qs,
        filterset_class=LegalAidCaseFilterSet,
        title=_("法律援助案件"),
        headers=[_("案件编号"), _("申请人"), _("事项类型"), _("所在辖区"), _("申请日期"), _("承办律师"), _("状态")],
        row=row,
        new=(reverse("web:legal_aid_case_new"), _("登记援助申请")),
    )


@login_required
def legal_aid_case_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        AidCaseForm,
        title=_("登记法律援助申请"),
        back=reverse("web:legal_aid_cases"),
        done=lambda c: reverse("web:legal_aid_case", args=[c.pk]),
        message=lambda c: _("已登记法律援助申请 %(code)s") % {"code": c.code},
    )


def _case_context(
    request: HttpRequest, case: LegalAidCase, bound: dict[str, AidStepForm] | None = None
) -> dict[str, Any]:
    user = request.user
    reveal = selectors.may_reveal(user, case)
    shown = (lambda text: text or "") if reveal else mask_numbers
    events = list(case.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
        ev.note_shown = shown(ev.note)  # type: ignore[attr-defined]
    actions = []
    for t in available(user, case):
        form = (bound or {}).get(t.name) or AidStepForm(transition=t, obj=case, user=user)
        actions.append({"transition": t, "form": form, "multipart": False})
    return {
        "case": case,
        "events": events,
        "actions": actions,
        "summary": shown(case.summary),
        "id_masked": mask_id_number(case.applicant_id_number or ""),
        "phone_masked": mask_phone(case.applicant_phone or ""),
        "can_reveal": bool(case.applicant_id_number or case.applicant_phone) and reveal,
        "overdue": selectors.is_review_overdue(case),
    }


@login_required
def legal_aid_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = scoped_get(_cases(request.user), pk)
    return render(request, "web/legalservice/aid_case.html", _case_context(request, case))


@login_required
@require_POST
def legal_aid_case_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Every step of the case page posts here; the transition service decides."""
    user = request.user
    case = scoped_get(_cases(user), pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = AidStepForm(request.POST, transition=t, obj=case, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: services.legal_aid_transition(actor=user, case=case, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:legal_aid_case", args=[case.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        item = {"transition": t, "form": form, "multipart": False}
        return render(
            request, "web/legalservice/action_form.html", {"item": item, "case": case, "error": message}, status=status
        )
    messages.error(request, message)
    case = scoped_get(_cases(user), pk)
    return render(request, "web/legalservice/aid_case.html", _case_context(request, case, {name: form}), status=status)


@login_required
@require_POST
def legal_aid_case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    return _reveal_response(request, scoped_get(_cases(request.user), pk), ("applicant_id_number", "applicant_phone"))


# --- consultations ----------------------------------------------------------------------------------------------------


class ConsultationForm(ServiceForm):
    territory = forms.ModelChoiceField(label=gettext_lazy("所属辖区"), queryset=Territory.objects.none())
    consulted_on = forms.DateField(label=gettext_lazy("咨询日期"), widget=_date_widget())
    channel = forms.ChoiceField(label=gettext_lazy("咨询方式"), choices=ConsultChannel.choices)
    matter = forms.ChoiceField(label=gettext_lazy("事项类型"), choices=AidMatter.choices, initial=AidMatter.OTHER)
    topic = forms.CharField(label=gettext_lazy("咨询事项"), max_length=200)
    answered_by = forms.CharField(label=gettext_lazy("解答人"), max_length=50)
    adviser = forms.ModelChoiceField(
        label=gettext_lazy("解答的法律顾问"), queryset=LegalAdviser.objects.none(), required=False
    )
    referral = forms.ChoiceField(label=gettext_lazy("转介"), choices=Referral.choices, required=False)
    note = forms.CharField(
        label=gettext_lazy("解答要点"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _nodes(user, ANY_LEVEL)  # type: ignore[attr-defined]
        self.fields["adviser"].queryset = LegalAdviser.objects.restrict(user).filter(is_active=True)  # type: ignore[attr-defined]
        self.initial.setdefault("consulted_on", timezone.localdate())

    def save(self, actor: Any) -> Consultation:
        return services.consultation_record(actor=actor, **self.cleaned_data)


@login_required
def legal_consultations(request: HttpRequest) -> HttpResponse:
    def row(c: Consultation) -> list[Any]:
        return [
            _cell(f"{c.consulted_on:%Y-%m-%d}"),
            _cell(c.get_channel_display()),
            _cell(c.get_matter_display()),
            _cell(mask_numbers(c.topic)),
            _cell(c.answered_by),
            _cell(c.territory.name),
            _cell(c.get_referral_display() if c.referral else "—"),
        ]

    today = timezone.localdate()
    month = selectors.consultation_counts(request.user, today.replace(day=1), today)
    qs: Any = Consultation.objects.restrict(request.user).select_related("territory").order_by("-consulted_on", "-id")
    return _list_page(
        request,
        qs=qs,
        filterset_class=ConsultationFilterSet,
        title=_("法律咨询登记"),
        headers=[_("日期"), _("方式"), _("事项类型"), _("咨询事项"), _("解答人"), _("辖区"), _("转介")],
        row=row,
        new=(reverse("web:legal_consultation_new"), _("登记咨询")),
        extra={
            "month": month,
            "month_channels": [(label, month["by_channel"][value]) for value, label in ConsultChannel.choices],
        },
    )


@login_required
def legal_consultation_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        ConsultationForm,
        title=_("登记法律咨询"),
        back=reverse("web:legal_consultations"),
        done=lambda c: reverse("web:legal_consultations"),
        message=lambda c: _("已登记咨询"),
    )


routes: list[URLPattern] = [
    path("legal/", legal_home, name="legal_home"),
    path("legal/coverage/", legal_coverage, name="legal_coverage"),
    path("legal/advisers/", legal_advisers, name="legal_advisers"),
    path("legal/advisers/new/", legal_adviser_new, name="legal_adviser_new"),
    path("legal/advisers/<int:pk>/", legal_adviser, name="legal_adviser"),
    path("legal/advisers/<int:pk>/reveal/", legal_adviser_reveal, name="legal_adviser_reveal"),
    path("legal/literates/", legal_literates, name="legal_literates"),
    path("legal/literates/new/", legal_literate_new, name="legal_literate_new"),
    path("legal/liaisons/", legal_liaisons, name="legal_liaisons"),
    path("legal/liaisons/new/", legal_liaison_new, name="legal_liaison_new"),
    path("legal/liaisons/<int:pk>/end/", legal_liaison_end, name="legal_liaison_end"),
    path("legal/advisers/<int:pk>/release/<int:link_pk>/", legal_adviser_release, name="legal_adviser_release"),
    path("legal/aid-points/", legal_aid_points, name="legal_aid_points"),
    path("legal/aid-points/new/", legal_aid_point_new, name="legal_aid_point_new"),
    path("legal/aid-cases/", legal_aid_cases, name="legal_aid_cases"),
    path("legal/aid-cases/new/", legal_aid_case_new, name="legal_aid_case_new"),
    path("legal/aid-cases/<int:pk>/", legal_aid_case, name="legal_aid_case"),
    path("legal/aid-cases/<int:pk>/act/<slug:name>/", legal_aid_case_act, name="legal_aid_case_act"),
    path("legal/aid-cases/<int:pk>/reveal/", legal_aid_case_reveal, name="legal_aid_case_reveal"),
    path("legal/consultations/", legal_consultations, name="legal_consultations"),
    path("legal/consultations/new/", legal_consultation_new, name="legal_consultation_new"),
]
