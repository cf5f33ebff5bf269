"""Status-list slots: the keyed permutation, bulk allocation across lists, bits and signed documents."""

from __future__ import annotations

import datetime as dt

from django.test import Client

import pytest

from tongban.licenses.credentials.keys import keys_from_jwks
from tongban.licenses.credentials.statuslist import REVOCATION, SUSPENSION, permuted_index, verify_status_list
from tongban.licenses.models import StatusListRecord
from tongban.licenses.services import statuslists
from tongban.organizations.models import Department


@pytest.mark.parametrize("size", [8, 1000, 4096, 131_072])
def test_permutation_is_a_bijection(size: int) -> None:
    key = bytes(range(32))
    values = [permuted_index(key, n, size) for n in range(size)]
    assert sorted(values) == list(range(size))


def test_permutation_depends_on_the_key_and_hides_order() -> None:
    a = [permuted_index(b"a" * 32, n, 131_072) for n in range(50)]
    b = [permuted_index(b"b" * 32, n, 131_072) for n in range(50)]
    assert a != b
    assert a != sorted(a)  # consecutive counters do not give consecutive indices


def test_permutation_refuses_out_of_range() -> None:
    with pytest.raises(ValueError):
        permuted_index(b"k" * 32, 8, 8)
    with pytest.raises(ValueError):
        permuted_index(b"short", 0, 8)


@pytest.mark.django_db
def test_bulk_allocation_spills_into_new_lists() -> None:
    slots = statuslists.allocate(20, size=8)
    lists = {record.list_id for record, _index in slots}
    assert lists == {"L00001", "L00002", "L00003"}
    assert len({(record.pk, index) for record, index in slots}) == 20
    assert [r.allocated for r in StatusListRecord.objects.order_by("id")] == [8, 8, 4]
    more = statuslists.allocate(4, size=8)
    assert {record.list_id for record, _index in more} == {"L00003"}


@pytest.mark.django_db
def test_bits_and_signed_documents(platform: Department) -> None:
    (record, index), *_ = statuslists.allocate(1)
    statuslists.set_status(record.pk, index, suspended=True)
    record.refresh_from_db()
    assert statuslists.bit(record, index, SUSPENSION) and not statuslists.bit(record, index, REVOCATION)
    client = Client()
    listing = client.get("/api/v1/trust/status").json()
    assert listing["lists"] == [f"{record.list_id}-rev", f"{record.list_id}-sus"]
    doc = client.get(f"/api/v1/trust/status/{record.list_id}-sus").json()
    jwks = client.get("/api/v1/trust/keys").json()  # after the first signature created the platform key
    keys = keys_from_jwks(jwks)
    parsed = verify_status_list(doc["token"], keys, signer_department=jwks["platform"])
    assert parsed.purpose == SUSPENSION and parsed.get(index) and parsed.count() == 1
    # A change is visible at once (the cached document is keyed by the list's revision).
    statuslists.set_status(record.pk, index, suspended=False)
    doc = client.get(f"/api/v1/trust/status/{record.list_id}-sus").json()
    assert verify_status_list(doc["token"], keys).count() == 0
    assert parsed.issued_at is not None and parsed.issued_at <= dt.datetime.now(dt.UTC)
    assert client.get("/api/v1/trust/status/L99999-rev").status_code == 404
    assert client.get("/api/v1/trust/status/nonsense").status_code == 404
