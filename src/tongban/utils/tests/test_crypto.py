import base64

from django.db import connection

import pytest

from tongban.accounts.services import id_number_hash
from tongban.utils import crypto
from tongban.utils.masking import mask_id_number, mask_mobile, mask_name, scrub_text

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()


@pytest.mark.parametrize("cipher", ["aes-gcm", "sm4-gcm"])
def test_round_trip_with_both_ciphers(cipher):
    ring = crypto.Keyring(cipher=cipher, current="k1", keys={"k1": b"A" * 32})
    stored = crypto.encrypt("310101199001011234", context="t.f", ring=ring)
    assert stored.startswith(f"tb1${cipher}$k1$")
    assert "310101199001011234" not in stored
    assert crypto.decrypt(stored, context="t.f", ring=ring) == "310101199001011234"


def test_same_plaintext_encrypts_differently_each_time():
    ring = crypto.Keyring(cipher="aes-gcm", current="k1", keys={"k1": b"A" * 32})
    assert crypto.encrypt("x", context="c", ring=ring) != crypto.encrypt("x", context="c", ring=ring)


def test_ciphertext_is_bound_to_its_column():
    ring = crypto.Keyring(cipher="aes-gcm", current="k1", keys={"k1": b"A" * 32})
    stored = crypto.encrypt("secret", context="accounts.naturalperson.id_number", ring=ring)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="accounts.naturalperson.mobile", ring=ring)


def test_tampered_ciphertext_is_rejected():
    ring = crypto.Keyring(cipher="sm4-gcm", current="k1", keys={"k1": b"A" * 32})
    stored = crypto.encrypt("secret", context="c", ring=ring)
    last = stored[-2]
    tampered = stored[:-2] + ("A" if last != "A" else "B") + stored[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="c", ring=ring)


def test_key_rotation_old_values_still_decrypt():
    old = crypto.Keyring(cipher="aes-gcm", current="k1", keys={"k1": b"A" * 32})
    stored = crypto.encrypt("v", context="c", ring=old)
    new = crypto.Keyring(cipher="sm4-gcm", current="k2", keys={"k2": b"B" * 32, "k1": b"A" * 32})
    assert crypto.decrypt(stored, context="c", ring=new) == "v"
    assert crypto.needs_rotation(stored, new)
    assert not crypto.needs_rotation(crypto.encrypt("v", context="c", ring=new), new)


def test_unknown_key_id_is_a_clear_error():
    ring = crypto.Keyring(cipher="aes-gcm", current="k1", keys={"k1": b"A" * 32})
    stored = crypto.encrypt("v", context="c", ring=ring)
    other = crypto.Keyring(cipher="aes-gcm", current="k9", keys={"k9": b"B" * 32})
    with pytest.raises(crypto.DecryptionError, match="k1"):
        crypto.decrypt(stored, context="c", ring=other)


def test_parse_keys_validates_length_and_format():
    assert crypto.parse_keys(f"k1:{KEY_A}, k2:{KEY_B}") == ("k1", {"k1": b"A" * 32, "k2": b"B" * 32})
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("", "nokey", f"k1:{base64.b64encode(b'short').decode()}", "k1:@@@"):
        with pytest.raises(ImproperlyConfigured):
            crypto.parse_keys(bad)


def test_lookup_hash_is_deterministic_keyed_and_context_separated(settings):
    a = crypto.lookup_hash("310101199001011234", context="resident_id")
    assert a == crypto.lookup_hash("310101199001011234", context="resident_id")
    assert a != crypto.lookup_hash("310101199001011234", context="mobile")
    assert len(a) == 64
    settings.TONGBAN_LOOKUP_KEY = base64.b64encode(b"another-lookup-key-of-32-bytes!!").decode()
    assert crypto.lookup_hash("310101199001011234", context="resident_id") != a
    settings.TONGBAN_FIELD_CIPHER = "sm4-gcm"  # 国密 suite: HMAC-SM3
    assert crypto.lookup_hash("310101199001011234", context="resident_id") != a


@pytest.mark.django_db
def test_id_number_is_encrypted_in_the_database_and_found_by_hash():
    from tongban.accounts.services import find_person_by_id_number, register_natural_person

    register_natural_person(
        username="enc", password="pw-Long-enough-1", real_name="张示例", id_number="310101199001011234"
    )
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, id_number_hash FROM accounts_naturalperson")
        raw, digest = cur.fetchone()
    assert "310101199001011234" not in raw and raw.startswith("tb1$")
    assert digest == id_number_hash("310101199001011234")
    person = find_person_by_id_number("310101199001011234")
    assert person is not None and person.id_number == "310101199001011234"
    assert person.masked_id_number == "3101**********1234"


def test_masking():
    assert mask_id_number("310101199001011234") == "3101**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_name("张三丰") == "张**"
    assert mask_id_number("") == ""


def test_scrub_text_masks_identifiers_inside_free_text():
    text = "申请人 310101199001011234 电话13800138000，订单 12345678901234567890 不变"
    out = scrub_text(text)
    assert "310101199001011234" not in out and "3101**********1234" in out
    assert "13800138000" not in out and "138****8000" in out
    assert "12345678901234567890" in out  # a 20-digit number is not an ID number
