"""Cryptographic core of the electronic-licence library (电子证照库).

Pure modules: no Django models, no settings lookups, no network. Everything configurable arrives as
an argument. See ``docs/licenses-credentials.md`` for the formats and the verification procedure.

- :mod:`.keys`: signing keys per issuing department (Ed25519 or SM2), files, rotation, JWKS.
- :mod:`.jws`: compact JWS with ``EdDSA`` and ``SM2`` (SM2 with SM3; signature as raw r||s).
- :mod:`.statuslist`: bitstring status lists (revocation / suspension), signed as JWS.
- :mod:`.presentation`: selectively disclosable credentials and short-lived presentations.
- :mod:`.verify`: the offline verifier of presentations.
"""

from tongban.licenses.credentials.errors import CredentialError, KeyStoreError

__all__ = ["CredentialError", "KeyStoreError"]
