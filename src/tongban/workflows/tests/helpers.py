"""Shared test helpers: step a workflow the way the cases app does (dump/load between steps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tongban.bundles.models import Bundle, BundleItem
from tongban.organizations.models import Department
from tongban.workflows import engine


def due(days: float) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def start_data(items: list[str] | None = None, **facts: Any) -> dict[str, Any]:
    return {
        "items": items if items is not None else ["ITEM-1"],
        "facts": {"missing_materials": 0, "applicant_kind": "legal", "channel": "online", "shop_area": 0}
        | facts,
        "supplement_due": due(10),
    }


def roundtrip(wf: engine.Workflow) -> engine.Workflow:
    """What a case does between two steps: store the state, read it back in a later request."""
    return engine.load(engine.dump(wf))


def ready(wf: engine.Workflow) -> list[engine.UserTask]:
    return wf.ready_user_tasks()


def only(wf: engine.Workflow, kind: str) -> engine.UserTask:
    tasks = wf.ready_user_tasks()
    assert [t.kind for t in tasks] == [kind], [(t.bpmn_id, t.kind) for t in tasks]
    return tasks[0]


def step(wf: engine.Workflow, kind: str, data: dict[str, Any]) -> engine.Workflow:
    """Complete the one open task of ``kind`` with ``data``; returns the restored workflow."""
    task = only(wf, kind)
    wf.complete(task.id, data)
    return roundtrip(wf)


def demo_restaurant_codes() -> list[str]:
    """The 实施编码 of the demo catalogue's 开办餐饮店一件事 entries, in the loader's order (always-items,
    then each situation's items): the codes the committed bundle_open-restaurant.bpmn was generated from."""
    from tongban.demo import data
    from tongban.demo.catalog.bundles import BUNDLES
    from tongban.demo.catalog.loader import EXERCISE_LEVEL, placed_items
    from tongban.demo.loader import department_uscc

    spec = next(b for b in BUNDLES if b.code == "open-restaurant")
    names = [*spec.items, *(name for s in spec.situations for name in s.items)]
    deps = {d.slug: d for d in data.CITY_DEPARTMENTS}
    placed = {p.spec.name: p for p in placed_items()}
    codes = []
    for name in names:
        p = placed[name]
        d = deps[p.dept]
        codes.append(
            department_uscc(d.category, data.SHANGHAI["code"], d.body, d.authority)
            + EXERCISE_LEVEL
            + p.basic_code
        )
    return codes


def make_bundle(department: Department, code: str, item_codes: list[str], name: str = "开店一件事") -> Bundle:
    bundle = Bundle.objects.create(
        code=code, name=name, kind="business_event", audience="legal", lead_department=department
    )
    for order, item_code in enumerate(item_codes):
        BundleItem.objects.create(bundle=bundle, item_code=item_code, order=order)
    return bundle
