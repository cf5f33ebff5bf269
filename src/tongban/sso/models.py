"""Registered relying parties (department systems) of the platform's OpenID Connect provider."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from oauth2_provider.models import AbstractApplication, ApplicationManager

from tongban.sso.scopes import SCOPES, default_allowed_scopes

if TYPE_CHECKING:
    from tongban.organizations.models import Department


class Client(AbstractApplication):
    """一个接入统一身份认证的委办局系统. ``OAUTH2_PROVIDER_APPLICATION_MODEL`` points here.

    Only the authorization code flow (with PKCE) and RS256-signed ID tokens are offered, so the grant
    type and signing algorithm fields are narrowed to those values. ``is_trusted`` (city-run systems)
    skips the consent screen; it drives django-oauth-toolkit's ``skip_authorization``.
    """

    # Annotated: django-oauth-toolkit's base class is untyped, so mypy cannot infer these.
    authorization_grant_type: models.CharField[str, str] = models.CharField(
        _("authorization grant type"),
        max_length=44,
        choices=[(AbstractApplication.GRANT_AUTHORIZATION_CODE, _("Authorization code"))],
        default=AbstractApplication.GRANT_AUTHORIZATION_CODE,
    )
    algorithm: models.CharField[str, str] = models.CharField(
        _("ID token signing algorithm"),
        max_length=5,
        choices=[(AbstractApplication.RS256_ALGORITHM, _("RSA with SHA-2 256"))],
        default=AbstractApplication.RS256_ALGORITHM,
    )
    department: models.ForeignKey[Department | None, Department | None] = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sso_clients",
        verbose_name=_("department"),
        help_text=_("The department that runs this system."),
    )
    allowed_scopes: models.JSONField[Any, Any] = models.JSONField(
        _("allowed scopes"),
        default=default_allowed_scopes,
        blank=True,
        help_text=_("The scopes this system may ever be granted; other requested scopes are dropped."),
    )
    is_trusted: models.BooleanField[bool, bool] = models.BooleanField(
        _("trusted (no consent screen)"),
        default=False,
        help_text=_("For systems run by the city itself: people are not asked to confirm each sign-in."),
    )

    objects = ApplicationManager()

    class Meta:
        verbose_name = _("single sign-on client")
        verbose_name_plural = _("single sign-on clients")
        ordering = ["name"]

    def natural_key(self) -> tuple[str]:
        return (self.client_id,)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors.update(exc.error_dict)
        scopes = self.allowed_scopes
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            errors.setdefault("allowed_scopes", []).append(ValidationError(_("Enter a list of scopes.")))
        else:
            unknown = sorted(set(scopes) - set(SCOPES))
            if unknown:
                errors.setdefault("allowed_scopes", []).append(
                    ValidationError(_("Unknown scopes: %(scopes)s."), params={"scopes": ", ".join(unknown)})
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One switch for administrators; django-oauth-toolkit reads ``skip_authorization``.
        self.skip_authorization = self.is_trusted
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "is_trusted" in update_fields:
            kwargs["update_fields"] = {*update_fields, "skip_authorization"}
        super().save(*args, **kwargs)
