import pytest

from tongban.audits.models import AuditEvent
from tongban.bundles import services
from tongban.bundles.constants import BundleState
from tongban.items import services as item_services
from tongban.items.tests import factories as f
from tongban.utils.errors import DomainError, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_bundle_publishes_only_when_every_item_is_published():
    dept = f.department()
    a = f.published_item(dept, materials=[f.material_kind("a")])
    b = f.published_item(dept, materials=[f.material_kind("b")])
    bundle = f.bundle(dept, [a], optional={"extra": [b]})
    bundle.state = BundleState.DRAFT
    bundle.save()
    item_services.retire(code=b.code, principal=None, reason="停止")
    with pytest.raises(ValidationFailed) as exc:
        services.publish(bundle=bundle, principal=None)
    assert [e.code for e in exc.value.errors] == ["bundle_items_unpublished"]
    assert exc.value.errors[0].params == {"codes": [b.code]}  # optional items count too
    bundle.entries.filter(item_code=b.code).delete()
    services.publish(bundle=bundle, principal=None)
    bundle.refresh_from_db()
    assert bundle.state == BundleState.PUBLISHED and bundle.published_at is not None
    assert AuditEvent.objects.filter(event="bundle.published").count() == 1
    services.retire(bundle=bundle, principal=None)
    with pytest.raises(DomainError) as err:
        services.retire(bundle=bundle, principal=None)
    assert err.value.code == "bundle_not_published"


def test_an_empty_bundle_cannot_be_published():
    bundle = f.bundle(f.department(), [])
    with pytest.raises(ValidationFailed) as exc:
        services.publish(bundle=bundle, principal=None)
    assert exc.value.errors[0].code == "bundle_without_items"
