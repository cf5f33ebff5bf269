"""The public verifier page (亮证核验): paste or scan a licence code, get a clear verdict.

No sign-in: whoever is shown a licence may check it. ``GET ?t=<token>`` verifies straight away, so a
phone's camera app that opens the link in a wallet QR code lands on the verdict; ``POST`` is the form.
Both run ``presentations.verify_online``, which logs a successful check for the holder (谁用了我的证照).
Only the fields the holder chose to disclose are shown; the token never carries the others.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from django_ratelimit.decorators import ratelimit

from tongban.accounts.request import principal_for
from tongban.licenses.credentials.presentation import MAX_PRESENTATION_LENGTH
from tongban.licenses.services import presentations

# The reason behind each result code, for the person holding the phone (not for engineers).
REASONS = {
    "valid": _("The signature, the validity dates and the current status all check out."),
    "expired_presentation": _(
        "This code has expired (codes live a few minutes only). Ask the holder to show a new one."
    ),
    "revoked": _("The issuing department has revoked this licence."),
    "suspended": _("This licence is suspended at the moment."),
    "license_expired": _("The licence has expired."),
    "license_not_yet_valid": _("The licence is not valid yet."),
    "bad_signature": _("The signature does not match: the code was altered or is forged."),
    "unknown_key": _("The code was not signed with a key this platform trusts."),
    "tampered_disclosure": _("The fields shown were changed after the licence was signed."),
    "malformed": _("This is not a licence code of this platform, or it was copied incompletely."),
    "status_unavailable": _("The current status of the licence could not be checked. Try again later."),
    "wrong_audience": _("The code was made for another verifier."),
    "unsupported_alg": _("The code uses a signature algorithm this platform does not accept."),
}
# The steps of ``credentials.verify.verify_presentation``, in the words of the result page.
CHECK_LABELS = {
    "presentation_format": _("Code can be read"),
    "presentation_signature": _("Signed by the platform"),
    "presentation_binding": _("Fields belong to this code"),
    "audience": _("Made for this verifier"),
    "presentation_fresh": _("Code not expired"),
    "credential_signature": _("Signed by the issuing department"),
    "disclosures": _("Fields match the signed licence"),
    "license_validity": _("Licence within its validity dates"),
    "status": _("Not revoked or suspended"),
}


def clean_token(raw: str) -> str:
    """The token from what was pasted or scanned: whitespace removed, a verifier link unwrapped."""
    value = "".join(raw.split())
    if value.lower().startswith(("http://", "https://")):
        found = parse_qs(urlsplit(value).query).get("t")
        value = found[0] if found else value
    return value


def _result_context(token: str, request: HttpRequest) -> dict[str, Any]:
    p = principal_for(request)
    checked = presentations.verify_online(token, principal=p if p.is_authenticated else None)
    result = checked.result
    return {
        "valid": result.valid,
        "code": result.code,
        "reason": REASONS.get(result.code, REASONS["malformed"]),
        "type_name": checked.type_name,
        "issuer_name": checked.issuer_name,
        "valid_from": result.valid_from,
        "valid_to": result.valid_to,
        "fields": checked.fields if result.valid else [],
        "checks": [
            {"name": c.name, "label": CHECK_LABELS.get(c.name, c.name), "ok": c.ok, "detail": c.detail}
            for c in result.checks
        ],
        "verified_before": checked.verified_before,
        "checked_at": timezone.now(),
    }


@never_cache
@ratelimit(group="licenses.verify", key="ip", rate=lambda _g, _r: settings.TONGBAN_API_RATE_ANON, block=True)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The form (``GET``), or the verdict on ``POST token=`` / ``GET ?t=``."""
    source = request.POST.get("token", "") if request.method == "POST" else request.GET.get("t", "")
    token = clean_token(source)
    context: dict[str, Any] = {"max_length": MAX_PRESENTATION_LENGTH}
    if not token:
        if request.method == "POST":
            context["error"] = _("Paste the code shown by the holder, or scan it.")
            return render(request, "licenses/verifier/form.html", context, status=400)
        return render(request, "licenses/verifier/form.html", context)
    context |= _result_context(token, request)
    response = render(request, "licenses/verifier/result.html", context)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token may be in this page's URL
    return response
