"""The category dictionary: seeded, versioned (copy, edit, publish) and routed to units by territory."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit, User
from wangge.core.errors import ValidationFailed
from wangge.core.models import AuditEntry
from wangge.workorders import catalog
from wangge.workorders.choices import CategoryKind, DurationUnit, Step
from wangge.workorders.models import Category, CategorySet, RoutingRule, StepDeadline
from wangge.workorders.services import suggest_unit

from .conftest import local, new_case


def test_the_seed_holds_the_digital_city_classes_and_the_hotline_areas(world: SimpleNamespace) -> None:
    cs = catalog.active_set()
    tops = dict(cs.categories.filter(parent=None).values_list("name", "kind"))
    for name in ("市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序"):
        assert tops[name] == CategoryKind.EVENT
    for name in ("公用设施", "道路交通", "园林绿化", "房屋土地", "其他设施"):
        assert tops[name] == CategoryKind.COMPONENT
    assert sum(kind == CategoryKind.SUBJECT for kind in tops.values()) >= 10
    # published municipal limits: 暴露垃圾 4 工作时, 违法搭建 15 工作日
    limits = {
        d.category.name: (d.amount, d.unit)
        for d in StepDeadline.objects.filter(step=Step.HANDLE).select_related("category")
    }
    assert limits["暴露垃圾"] == (Decimal(4), DurationUnit.WORKING_HOURS)
    assert limits["私搭乱建"] == (Decimal(15), DurationUnit.WORKING_DAYS)
    assert catalog.category_seed() == cs  # idempotent


def test_a_new_version_copies_categories_deadlines_and_routes(world: SimpleNamespace) -> None:
    v1 = catalog.active_set()
    RoutingRule.objects.create(category=world.category, territory=world.street, unit=world.dept2)
    v2 = catalog.category_set_clone(actor=world.dispatcher, source=v1, note="年度修订")
    assert (v2.version, v2.is_active) == (2, False)
    assert v2.categories.count() == v1.categories.count()
    copy = v2.categories.get(code=world.category.code)
    assert copy.pk != world.category.pk and copy.parent is not None and copy.parent.category_set == v2
    assert list(copy.deadlines.values_list("step", "amount", "unit")) == list(
        world.category.deadlines.values_list("step", "amount", "unit")
    )
    assert list(copy.routes.values_list("territory_id", "unit_id")) == [(world.street.pk, world.dept2.pk)]
    assert AuditEntry.objects.filter(action="category_set.clone").count() == 1


def test_publishing_switches_the_active_version_and_old_cases_keep_theirs(world: SimpleNamespace) -> None:
    old_case = new_case(world, at=local(2025, 6, 3, 9, 0))
    v1 = catalog.active_set()
    v2 = catalog.category_set_clone(actor=world.dispatcher, source=v1)
    StepDeadline.objects.filter(category__category_set=v2, category__code="E0101", step=Step.HANDLE).update(
        amount=Decimal(10)
    )
    catalog.category_set_publish(actor=world.dispatcher, category_set=v2)
    assert catalog.active_set() == v2 and CategorySet.objects.filter(is_active=True).count() == 1
    old_case.refresh_from_db()
    assert old_case.category == world.category and world.category.category_set == v1
    entry = AuditEntry.objects.get(action="category_set.publish")
    assert (entry.before, entry.after) == ({"active_version": 1}, {"active_version": 2})


def test_an_empty_version_cannot_be_published(world: SimpleNamespace) -> None:
    empty = CategorySet.objects.create(version=9, name="空")
    with pytest.raises(ValidationFailed):
        catalog.category_set_publish(actor=world.dispatcher, category_set=empty)
    assert catalog.active_set().version == 1


def test_the_admin_copies_and_publishes_versions(world: SimpleNamespace) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser(username="root", password="x-Passw0rd-long"))
    url = reverse("admin:workorders_categoryset_changelist")
    v1 = catalog.active_set()
    response = client.post(url, {"action": "clone_selected", "_selected_action": [v1.pk]}, follow=True)
    assert response.status_code == 200 and "v2" in response.content.decode()
    v2 = CategorySet.objects.get(version=2)
    client.post(url, {"action": "publish_selected", "_selected_action": [v2.pk]}, follow=True)
    assert CategorySet.objects.get(is_active=True) == v2


# --- routing: which unit a category goes to in a territory -----------------------------------------------


def test_the_rule_on_the_deepest_territory_wins(world: SimpleNamespace) -> None:
    RoutingRule.objects.create(category=world.category, territory=world.district, unit=world.dept)
    RoutingRule.objects.create(category=world.category, territory=world.community, unit=world.dept2)
    assert suggest_unit(category=world.category, territory=world.grid1) == world.dept2
    assert suggest_unit(category=world.category, territory=world.street) == world.dept
    world.dept2.is_active = False
    world.dept2.save()
    assert suggest_unit(category=world.category, territory=world.grid1) == world.dept  # a closed unit is skipped


def test_without_a_rule_the_districts_unit_for_the_category_is_used(world: SimpleNamespace) -> None:
    own = Unit.objects.create(
        code="410403-cgj", name="卫东区城市管理局", kind=UnitKind.DEPARTMENT, territory=world.district
    )
    assert world.category.default_unit_code == "cgj"
    assert suggest_unit(category=world.category, territory=world.grid1) == own
    assert suggest_unit(category=world.category, territory=None) == world.dept  # the bare code


def test_class_a_goes_to_the_community_and_class_b_to_the_street(world: SimpleNamespace) -> None:
    committee = Unit.objects.create(
        code="jwh", name="测试社区居委会", kind=UnitKind.COMMUNITY_COMMITTEE, territory=world.community
    )
    office = Unit.objects.create(code="jdb", name="测试街道办事处", kind=UnitKind.STREET_OFFICE, territory=world.street)
    a = Category.objects.get(category_set=catalog.active_set(), code="S0801")  # 社区服务, class A, no default unit
    b = Category.objects.get(category_set=catalog.active_set(), code="E0502")  # 占道经营, class B
    assert (a.handling_class, a.default_unit_code, b.handling_class, b.default_unit_code) == ("A", "", "B", "")
    assert suggest_unit(category=a, territory=world.grid1) == committee
    assert suggest_unit(category=b, territory=world.grid2) == office
    assert suggest_unit(category=None, territory=world.grid1) is None


def test_a_deeper_tree_is_copied_parents_first(world: SimpleNamespace) -> None:
    v1 = catalog.active_set()
    # a third level whose parent was created after it in id order
    leaf = Category.objects.create(category_set=v1, code="E010101", name="楼顶违建", kind=CategoryKind.EVENT)
    mid = Category.objects.create(category_set=v1, code="E0199", name="其他违建", kind=CategoryKind.EVENT)
    mid.parent = world.category.parent
    mid.save()
    leaf.parent = mid
    leaf.save()
    v2 = catalog.category_set_clone(actor=world.dispatcher, source=v1)
    copy = v2.categories.get(code="E010101")
    assert copy.parent is not None and copy.parent.code == "E0199" and copy.parent.category_set == v2
    assert copy.parent.parent is not None and copy.parent.parent.code == "E01"
    assert not v2.categories.exclude(parent=None).exclude(parent__category_set=v2).exists()


def test_routing_skips_the_rule_query_for_categories_without_rules(world: SimpleNamespace, settings: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wangge.workorders.services import forget_routing

    settings.WANGGE_ROUTING_RECHECK_SECONDS = 60
    forget_routing()
    suggest_unit(category=world.category, territory=world.grid1)  # reads which categories have rules

    with CaptureQueriesContext(connection) as queries:
        assert suggest_unit(category=world.category, territory=world.grid1) == world.dept  # its default unit
    assert queries.captured_queries and not any("routingrule" in q["sql"] for q in queries.captured_queries)


def test_a_new_rule_is_seen_once_the_routing_is_looked_at_again(world: SimpleNamespace, settings: Any) -> None:
    from wangge.workorders.models import RoutingRule
    from wangge.workorders.services import forget_routing

    settings.WANGGE_ROUTING_RECHECK_SECONDS = 3600
    forget_routing()
    assert suggest_unit(category=world.category, territory=world.grid1) == world.dept
    RoutingRule.objects.create(category=world.category, territory=world.community, unit=world.dept2)

    assert suggest_unit(category=world.category, territory=world.grid1) == world.dept  # within the interval
    settings.WANGGE_ROUTING_RECHECK_SECONDS = 0
    assert suggest_unit(category=world.category, territory=world.grid1) == world.dept2
