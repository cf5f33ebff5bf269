"""factory_boy factories for identity tests. People are created through real encryption/hashing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

import factory

from tongban.accounts.constants import LegalPersonKind, PrincipalKind, RepresentationRole
from tongban.accounts.models import LegalPerson, NaturalPerson, Representation, Role, StaffProfile, User
from tongban.accounts.services import id_number_hash
from tongban.organizations.constants import DepartmentLevel, RegionLevel
from tongban.organizations.models import Department, Region
from tongban.utils.identifiers import make_resident_id, make_uscc

PASSWORD = "Correct-Horse-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "310101"
    name = "黄浦区"
    level = RegionLevel.DISTRICT


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    slug = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"测试委办局{n}")
    uscc = factory.Sequence(lambda n: make_uscc(f"11310000MB{n:06d}"))
    region = factory.SubFactory(RegionFactory, code="310000", name="上海市", level=RegionLevel.PROVINCE)
    level = DepartmentLevel.CITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = PrincipalKind.NATURAL_PERSON
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class NaturalPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NaturalPerson

    user = factory.SubFactory(UserFactory)
    real_name = "张示例"
    id_number = factory.Sequence(lambda n: make_resident_id("310104", dt.date(1980, 1, 1), 100 + n))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    mobile = "13800138000"


class LegalPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalPerson

    name = factory.Sequence(lambda n: f"上海示例{n}餐饮管理有限公司")
    uscc = factory.Sequence(lambda n: make_uscc(f"91310101MA{n:06d}"))
    kind = LegalPersonKind.ENTERPRISE
    legal_representative_name = "王样例"
    region = factory.SubFactory(RegionFactory)


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    person = factory.SubFactory(UserFactory)
    legal_person = factory.SubFactory(LegalPersonFactory)
    role = RepresentationRole.LEGAL_REPRESENTATIVE
    scopes: list[str] = []
    valid_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("code",)

    code = "window_clerk"
    name = "窗口受理"


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, kind=PrincipalKind.STAFF)
    real_name = "赵工作"
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def roles(obj: StaffProfile, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            obj.roles.set([RoleFactory(code=code, name=code) for code in extracted])
