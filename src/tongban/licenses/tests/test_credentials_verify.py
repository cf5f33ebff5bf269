"""The offline verifier: every result code, and never a field that was not disclosed."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.licenses.credentials import jws, presentation
from tongban.licenses.credentials.encoding import b64url_encode, canonical_json
from tongban.licenses.credentials.presentation import Disclosure, IssuedCredential
from tongban.licenses.credentials.statuslist import StatusList
from tongban.licenses.tests.test_credentials_presentation import (
    DISCLOSE,
    FIELDS,
    ISSUER,
    LICENSE_ID,
    NOW,
    PLATFORM,
    TYPE_CODE,
    World,
    make_world,
)

LATER = NOW + dt.timedelta(minutes=1)


@pytest.fixture(params=[("EdDSA", "EdDSA"), ("SM2", "SM2"), ("SM2", "EdDSA")], ids=lambda p: "-".join(p))
def world(request: pytest.FixtureRequest, tmp_path) -> World:
    issuer_alg, platform_alg = request.param
    return make_world(tmp_path, issuer_alg, platform_alg)


@pytest.fixture
def ed_world(tmp_path) -> World:
    return make_world(tmp_path)


def _forge_disclosure(credential: IssuedCredential, name: str, value: object) -> IssuedCredential:
    original = Disclosure.parse(credential.disclosures_by_name()[name])
    forged = b64url_encode(canonical_json([original.salt, name, value]))  # same salt, new value
    return IssuedCredential(
        token=credential.token,
        disclosures=tuple(forged if d == original.encoded else d for d in credential.disclosures),
    )


# -- valid ------------------------------------------------------------------------------------------------


def test_valid_presentation(world: World) -> None:
    result = world.verify(world.present())
    assert result.valid and result.code == "valid"
    assert result.disclosed_fields == {name: FIELDS[name] for name in DISCLOSE}
    assert (result.license_identifier, result.issuer, result.type_code) == (LICENSE_ID, ISSUER, TYPE_CODE)
    assert result.valid_to == dt.date(2030, 12, 31) and result.holder_kind == "legal_person"
    assert [c.name for c in result.checks] == [
        "presentation_format",
        "presentation_signature",
        "presentation_binding",
        "presentation_fresh",
        "credential_signature",
        "disclosures",
        "license_validity",
        "status",
    ]
    assert all(c.ok for c in result.checks)


def test_undisclosed_fields_never_appear(world: World) -> None:
    result = world.verify(world.present(["法定代表人"]))
    assert result.valid
    assert result.disclosed_fields == {"法定代表人": "张三"}
    text = repr(result)
    for name in set(FIELDS) - {"法定代表人"}:
        assert name not in text and str(FIELDS[name]) not in text


def test_nothing_disclosed_still_proves_the_licence(ed_world: World) -> None:
    result = ed_world.verify(ed_world.present([]))
    assert result.valid and result.disclosed_fields == {} and result.license_identifier == LICENSE_ID


def test_audience_is_checked_when_expected(ed_world: World) -> None:
    token = ed_world.present(audience="window:310115-01")
    assert ed_world.verify(token, audience="window:310115-01").valid
    result = ed_world.verify(token, audience="window:310115-02")
    assert result.code == "wrong_audience" and not result.disclosed_fields


def test_retired_issuer_key_still_verifies(ed_world: World) -> None:
    old_kid = ed_world.issuer.kid
    ed_world.store.rotate(ISSUER, now=NOW)
    assert ed_world.store.get(old_kid).status == "retired"
    assert ed_world.verify(ed_world.present()).valid  # credential signed by the retired key
    ed_world.issuer = ed_world.store.signing_key(ISSUER, now=NOW)
    fresh = ed_world.issue()
    assert jws.peek(fresh.token)[0]["kid"] == ed_world.issuer.kid != old_kid
    assert ed_world.verify(ed_world.present(credential=fresh)).valid


# -- disclosures ------------------------------------------------------------------------------------------


def test_swapped_disclosure_breaks_the_binding(world: World) -> None:
    token = world.present()
    real = world.credential.disclosures_by_name()["经营项目"]
    original = Disclosure.parse(real)
    forged = b64url_encode(canonical_json([original.salt, "经营项目", "酒类零售"]))
    result = world.verify(token.replace(real, forged))
    assert result.code == "tampered_disclosure" and result.checks[-1].name == "presentation_binding"
    assert result.disclosed_fields == {}


def test_forged_disclosure_fails_even_when_the_envelope_is_signed(world: World) -> None:
    # the platform key signs whatever it is given; the issuer's digests still catch the change
    forged = _forge_disclosure(world.credential, "经营项目", "酒类零售")
    result = world.verify(world.present(credential=forged))
    assert result.code == "tampered_disclosure" and result.checks[-1].name == "disclosures"
    assert result.disclosed_fields == {}


def test_disclosure_of_another_credential_is_rejected(ed_world: World) -> None:
    other = ed_world.issue(fields={"经营项目": "酒类零售"})
    mixed = IssuedCredential(
        token=ed_world.credential.token,
        disclosures=tuple(
            d for d in ed_world.credential.disclosures if Disclosure.parse(d).name != "经营项目"
        )
        + other.disclosures,
    )
    result = ed_world.verify(ed_world.present(credential=mixed))
    assert result.code == "tampered_disclosure"


def test_duplicate_disclosure_is_rejected(ed_world: World) -> None:
    real = ed_world.credential.disclosures_by_name()["许可证编号"]
    bound = f"{ed_world.credential.token}~{real}~{real}~"
    envelope = {
        "aud": "tongban",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 300,
        "nonce": "n",
        "sd_hash": presentation.sd_hash("sha-256", bound),
    }
    result = ed_world.verify(bound + jws.sign(envelope, ed_world.platform, typ="tb-vp"))
    assert result.code == "tampered_disclosure" and "twice" in result.checks[-1].detail


# -- signatures and keys ----------------------------------------------------------------------------------


def test_unknown_keys(world: World) -> None:
    token = world.present()
    only_platform = {k: r for k, r in world.keys().items() if r.department_code == PLATFORM}
    result = world.verify(token, keys=only_platform)
    assert result.code == "unknown_key" and result.checks[-1].name == "credential_signature"
    assert result.license_identifier is None
    assert world.verify(token, keys={}).code == "unknown_key"


def test_envelope_must_be_signed_by_a_platform_key(ed_world: World) -> None:
    token = ed_world.present(key=ed_world.issuer)  # a department cannot mint presentations
    result = ed_world.verify(token)
    assert result.code == "unknown_key" and result.checks[-1].name == "presentation_signature"


def test_tampered_envelope_is_bad_signature(world: World) -> None:
    token = world.present()
    head, payload, sig = token.rsplit("~", 1)[1].split(".")
    claims = jws.peek(token.rsplit("~", 1)[1])[1]
    claims["exp"] += 3600
    forged = f"{head}.{b64url_encode(canonical_json(claims))}.{sig}"
    assert world.verify(token.rsplit("~", 1)[0] + "~" + forged).code == "bad_signature"


def test_tampered_credential_is_bad_signature(world: World) -> None:
    head, payload, sig = world.credential.token.split(".")
    claims = jws.peek(world.credential.token)[1]
    claims["vt"] = "2099-12-31"
    forged = IssuedCredential(
        f"{head}.{b64url_encode(canonical_json(claims))}.{sig}", world.credential.disclosures
    )
    result = world.verify(world.present(credential=forged))  # the platform signs the envelope regardless
    assert result.code == "bad_signature" and result.checks[-1].name == "credential_signature"


def test_issuer_claim_must_match_the_signing_department(ed_world: World) -> None:
    claims = jws.peek(ed_world.credential.token)[1]
    claims["iss"] = "91310115123456788X"  # another department's name, signed with ISSUER's key
    token = jws.sign(claims, ed_world.issuer, typ="tb-cred")
    result = ed_world.verify(
        ed_world.present(credential=IssuedCredential(token, ed_world.credential.disclosures))
    )
    assert result.code == "unknown_key" and result.checks[-1].name == "credential_signature"


def test_status_list_token_is_not_a_credential(ed_world: World) -> None:
    sl_token = jws.sign(jws.peek(ed_world.credential.token)[1], ed_world.issuer, typ="tb-sl")
    result = ed_world.verify(
        ed_world.present(credential=IssuedCredential(sl_token, ed_world.credential.disclosures))
    )
    assert result.code == "malformed"


@pytest.mark.parametrize("token", ["", "garbage", "a~b", "~~", "x.y.z~a.b.c", None, "中文~x"])
def test_malformed_never_raises(ed_world: World, token) -> None:
    result = ed_world.verify(token)
    assert not result.valid and result.code == "malformed" and result.disclosed_fields == {}


# -- time -------------------------------------------------------------------------------------------------


def test_expired_presentation(world: World) -> None:
    token = world.present()
    assert world.verify(token, now=NOW + dt.timedelta(minutes=5, seconds=29)).valid  # within leeway
    result = world.verify(token, now=NOW + dt.timedelta(minutes=5, seconds=30))
    assert result.code == "expired_presentation" and result.disclosed_fields == {}
    assert world.verify(token, now=NOW + dt.timedelta(days=1)).code == "expired_presentation"


def test_presentation_from_the_future(ed_world: World) -> None:
    token = ed_world.present(now=NOW + dt.timedelta(minutes=2))
    assert ed_world.verify(token, now=NOW).code == "expired_presentation"
    assert ed_world.verify(token, now=NOW + dt.timedelta(minutes=1, seconds=31)).valid


def test_long_lived_presentation_exceeds_max_age(ed_world: World) -> None:
    token = ed_world.present(lifetime=dt.timedelta(minutes=20))
    assert ed_world.verify(token).code == "expired_presentation"
    assert ed_world.verify(token, max_age=dt.timedelta(minutes=20)).valid


def test_licence_validity_in_china_time(ed_world: World) -> None:
    credential = ed_world.issue(valid_to=dt.date(2026, 3, 1))
    late_evening = dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    token = ed_world.present(credential=credential, now=late_evening)
    assert ed_world.verify(
        token, now=late_evening, status_lists=ed_world.status_lists(now=late_evening)
    ).valid
    after_midnight = late_evening + dt.timedelta(minutes=2)  # 00:01 on 2 March in Shanghai
    token = ed_world.present(credential=credential, now=after_midnight)
    result = ed_world.verify(
        token, now=after_midnight, status_lists=ed_world.status_lists(now=after_midnight)
    )
    assert result.code == "license_expired"
    assert result.license_identifier == LICENSE_ID and result.valid_to == dt.date(2026, 3, 1)
    assert result.disclosed_fields == {}


def test_licence_not_yet_valid_and_long_term(ed_world: World) -> None:
    future = ed_world.issue(valid_from=dt.date(2026, 3, 2))
    assert ed_world.verify(ed_world.present(credential=future)).code == "license_not_yet_valid"
    forever = ed_world.issue(valid_to=None)
    result = ed_world.verify(ed_world.present(credential=forever))
    assert result.valid and result.valid_to is None


# -- status -----------------------------------------------------------------------------------------------


def test_revoked(world: World) -> None:
    world.revocation.set(81723, True)
    result = world.verify(world.present())
    assert result.code == "revoked" and not result.valid
    assert result.license_identifier == LICENSE_ID and result.disclosed_fields == {}
    world.revocation.set(81723, False)
    assert world.verify(world.present()).valid


def test_suspended_and_revoked_wins(ed_world: World) -> None:
    ed_world.suspension.set(81723, True)
    assert ed_world.verify(ed_world.present()).code == "suspended"
    ed_world.revocation.set(81723, True)
    assert ed_world.verify(ed_world.present()).code == "revoked"


def test_other_indices_do_not_matter(ed_world: World) -> None:
    for index in (0, 81722, 81724, 131_071):
        ed_world.revocation.set(index, True)
    assert ed_world.verify(ed_world.present()).valid


def test_missing_or_stale_status_list(ed_world: World) -> None:
    token = ed_world.present()
    lists = ed_world.status_lists()
    del lists["sus-1"]
    assert ed_world.verify(token, status_lists=lists).code == "status_unavailable"
    stale = ed_world.status_lists(now=NOW - dt.timedelta(days=2), ttl=86400)
    assert ed_world.verify(token, status_lists=stale).code == "status_unavailable"
    assert ed_world.verify(token, status_lists=stale, enforce_status_ttl=False).valid


def test_revocation_entry_is_required(ed_world: World) -> None:
    unrevocable = ed_world.issue(status=[])
    assert ed_world.verify(ed_world.present(credential=unrevocable)).code == "status_unavailable"
    assert ed_world.verify(ed_world.present(credential=unrevocable), require_revocation_status=False).valid
    suspension_only = ed_world.issue(status=[presentation.StatusRef("sus-1", 5)])
    assert ed_world.verify(ed_world.present(credential=suspension_only)).code == "status_unavailable"


def test_nonce_is_reported_for_replay_detection(ed_world: World) -> None:
    result = ed_world.verify(ed_world.present(nonce="challenge-42"))
    assert result.valid and result.nonce == "challenge-42"


def test_status_list_filed_under_the_wrong_id(ed_world: World) -> None:
    lists = ed_world.status_lists()
    lists["rev-1"], lists["sus-1"] = lists["sus-1"], lists["rev-1"]
    assert ed_world.verify(ed_world.present(), status_lists=lists).code == "status_unavailable"


def test_status_list_too_short(ed_world: World) -> None:
    lists = {"rev-1": StatusList(size=1024), "sus-1": StatusList(size=1024, purpose="suspension")}
    assert ed_world.verify(ed_world.present(), status_lists=lists).code == "status_unavailable"


def test_naive_now_is_a_programming_error(ed_world: World) -> None:
    with pytest.raises(ValueError):
        ed_world.verify(ed_world.present(), now=dt.datetime(2026, 3, 1, 10))
