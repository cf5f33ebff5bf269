"""Prefilled answers: from the signed-in person's identity and the legal person they act for."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from tongban.accounts import services
from tongban.accounts.constants import LegalPersonKind, RepresentationRole
from tongban.accounts.models import LegalPerson, Representation, User
from tongban.accounts.principal import ANONYMOUS, Principal
from tongban.cases.prefill import prefill, prefill_sources
from tongban.conftest import CITIZEN_ID_NUMBER, OTHER_CITIZEN_ID_NUMBER
from tongban.items.models import FormField
from tongban.organizations.models import Region
from tongban.utils.identifiers import make_uscc

pytestmark = pytest.mark.django_db

COMPANY_USCC = make_uscc("91310101MA1FPX00")
ADDRESS = "上海市黄浦区南京东路1号"

PERSON_KEYS = ["applicant_name", "id_number", "mobile"]
COMPANY_KEYS = [
    "company_name",
    "uscc",
    "legal_rep_name",
    "legal_rep_id_number",
    "registered_address",
    "business_address",
]


def fields(*keys: str) -> list[FormField]:
    return [FormField(key=k, label=k) for k in keys]


def company(region: Region, *, representative: str = "张三", address: str = ADDRESS) -> LegalPerson:
    return services.create_legal_person(
        name="上海小笼包餐饮有限公司",
        uscc=COMPANY_USCC,
        kind=LegalPersonKind.ENTERPRISE,
        legal_representative_name=representative,
        region_id=region.pk,
        registered_address=address,
    )


def acting(user: User, legal: LegalPerson, role: str) -> Principal:
    rep = services.grant_representation(
        principal=None,
        person=user,
        legal_person=legal,
        role=role,
        scopes=["apply"] if role == RepresentationRole.AGENT else None,
        expires_at=timezone.now() + dt.timedelta(days=30) if role == RepresentationRole.AGENT else None,
    )
    return Principal(user=user, acting_for=legal, representation=rep)


def test_a_person_gets_their_own_identity_and_only_for_fields_asked(citizen: User) -> None:
    principal = Principal(user=citizen)
    asked = fields("contact_address", "mobile", "applicant_name", "id_number", "company_name", "uscc")
    values = prefill(asked, principal)
    assert values == {"mobile": "13800138000", "applicant_name": "张三", "id_number": CITIZEN_ID_NUMBER}
    assert list(values) == ["mobile", "applicant_name", "id_number"]  # the form's order
    assert prefill_sources(asked, principal) == {k: "identity" for k in values}
    assert prefill(fields("contact_address"), principal) == {}


def test_a_person_without_a_mobile_gets_no_mobile(other_citizen: User) -> None:
    other_citizen.person.mobile = ""
    other_citizen.person.save(update_fields=["mobile"])
    values = prefill(fields(*PERSON_KEYS), Principal(user=other_citizen))
    assert values == {"applicant_name": "李四", "id_number": OTHER_CITIZEN_ID_NUMBER}


def test_an_agent_acting_for_a_company_gets_the_company_but_not_the_representatives_id(
    citizen: User, other_citizen: User, region: Region
) -> None:
    legal = company(region, representative="张三")  # the citizen is the representative, the agent is 李四
    principal = acting(other_citizen, legal, RepresentationRole.AGENT)
    asked = fields(*PERSON_KEYS, *COMPANY_KEYS)
    values = prefill(asked, principal)
    assert values == {
        "applicant_name": "李四",
        "id_number": OTHER_CITIZEN_ID_NUMBER,
        "company_name": "上海小笼包餐饮有限公司",
        "uscc": COMPANY_USCC,
        "legal_rep_name": "张三",
        "registered_address": ADDRESS,
        "business_address": ADDRESS,
    }
    assert CITIZEN_ID_NUMBER not in values.values()
    assert prefill_sources(asked, principal) == {
        "applicant_name": "identity",
        "id_number": "identity",
        "company_name": "enterprise",
        "uscc": "enterprise",
        "legal_rep_name": "enterprise",
        "registered_address": "enterprise",
        "business_address": "enterprise",
    }


def test_the_legal_representative_gets_their_own_id_number_as_the_representatives(
    citizen: User, region: Region
) -> None:
    legal = company(region, representative="张三")
    principal = acting(citizen, legal, RepresentationRole.LEGAL_REPRESENTATIVE)
    asked = fields(*COMPANY_KEYS)
    values = prefill(asked, principal)
    assert values["legal_rep_id_number"] == CITIZEN_ID_NUMBER
    assert values["legal_rep_name"] == "张三"
    assert list(values) == COMPANY_KEYS
    assert prefill_sources(asked, principal)["legal_rep_id_number"] == "identity"


def test_no_representative_id_when_the_register_names_someone_else(citizen: User, region: Region) -> None:
    legal = company(region, representative="王老板")
    principal = acting(citizen, legal, RepresentationRole.LEGAL_REPRESENTATIVE)
    values = prefill(fields(*COMPANY_KEYS), principal)
    assert "legal_rep_id_number" not in values
    assert values["legal_rep_name"] == "王老板"


def test_no_representative_id_once_the_representation_is_revoked(citizen: User, region: Region) -> None:
    legal = company(region)
    principal = acting(citizen, legal, RepresentationRole.LEGAL_REPRESENTATIVE)
    assert principal.representation is not None
    Representation.objects.filter(pk=principal.representation.pk).update(revoked_at=timezone.now())
    principal.representation.refresh_from_db()
    assert "legal_rep_id_number" not in prefill(fields(*COMPANY_KEYS), principal)


def test_a_company_without_an_address_prefills_no_address(citizen: User, region: Region) -> None:
    legal = company(region, address="")
    principal = acting(citizen, legal, RepresentationRole.LEGAL_REPRESENTATIVE)
    values = prefill(fields(*COMPANY_KEYS), principal)
    assert "registered_address" not in values and "business_address" not in values
    assert values["company_name"] == "上海小笼包餐饮有限公司"


def test_staff_and_anonymous_get_nothing(staff_user: User, citizen: User) -> None:
    asked = fields(*PERSON_KEYS, *COMPANY_KEYS)
    assert prefill(asked, Principal(user=staff_user)) == {}
    assert prefill(asked, ANONYMOUS) == {}
    assert prefill_sources(asked, ANONYMOUS) == {}
