"""Principals: natural persons and staff sign in; legal persons act through recorded representations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import LegalPersonKind, PrincipalKind, RepresentationRole, RepresentationScope
from tongban.utils.crypto import EncryptedTextField
from tongban.utils.masking import mask_id_number, mask_mobile
from tongban.utils.validators import uscc_validator


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("kind", PrincipalKind.STAFF)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A sign-in account. ``kind`` says whether a natural person or a staff member holds it."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PrincipalKind.choices)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin"), default=False)
    # Demo accounts have documented passwords; production refuses to start while any is active.
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]  # django-stubs declares it a ClassVar

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_natural_person(self) -> bool:
        return self.kind == PrincipalKind.NATURAL_PERSON

    @property
    def is_staff_member(self) -> bool:
        return self.kind == PrincipalKind.STAFF


class NaturalPerson(models.Model):
    """自然人: real-name identity of a citizen account. The ID number is encrypted at rest."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="person")
    real_name = models.CharField(_("real name"), max_length=50)
    id_number = EncryptedTextField(_("resident ID number"))
    # Keyed hash of the normalised ID number: unique look-up without decrypting every row.
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    mobile = EncryptedTextField(_("mobile"), blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Optional notification address; encrypted like the mobile number, never searched by.
    email = EncryptedTextField(_("e-mail address"), blank=True, validators=[validate_email])
    verified_at = models.DateTimeField(_("real-name verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("natural person")
        verbose_name_plural = _("natural persons")

    def __str__(self) -> str:
        return f"{self.real_name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class LegalPerson(models.Model):
    """法人: an enterprise, 个体工商户 or organisation. It never signs in; people act for it."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[uscc_validator]
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LegalPersonKind.choices)
    legal_representative_name = models.CharField(_("legal representative"), max_length=50)
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="legal_persons")
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("legal person")
        verbose_name_plural = _("legal persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class RepresentationQuerySet(models.QuerySet["Representation"]):
    def active(self, at: Any = None) -> RepresentationQuerySet:
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=at).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class Representation(models.Model):
    """A recorded authorisation for a natural person to act for a legal person (法定代表人/经办人)."""

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="representations")
    legal_person = models.ForeignKey(LegalPerson, on_delete=models.PROTECT, related_name="representations")
    role = models.CharField(_("role"), max_length=30, choices=RepresentationRole.choices)
    scopes = models.JSONField(_("scopes"), default=list)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="granted_representations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RepresentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "legal_person"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_representation_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.legal_person.name} ({self.get_role_display()})"

    def is_active(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return (
            self.revoked_at is None
            and self.valid_from <= at
            and (self.expires_at is None or self.expires_at > at)
        )

    def grants(self, scope: str) -> bool:
        return self.role == RepresentationRole.LEGAL_REPRESENTATIVE or scope in self.scopes

    @property
    def effective_scopes(self) -> list[str]:
        if self.role == RepresentationRole.LEGAL_REPRESENTATIVE:
            return list(RepresentationScope.values)
        return list(self.scopes)


class Role(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """工作人员: belongs to one department, optionally a window and a district, holds roles."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="staff")
    real_name = models.CharField(_("name"), max_length=50)
    employee_no = models.CharField(_("employee number"), max_length=30, unique=True)
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="staff")
    window = models.ForeignKey(
        "organizations.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    district = models.ForeignKey(
        "organizations.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="staff")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.real_name} · {self.department.name}"

    def role_codes(self) -> set[str]:
        return set(self.roles.values_list("code", flat=True))


class AccessToken(models.Model):
    """A personal access token for the API. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    acting_for = models.ForeignKey(
        LegalPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="access_tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at and self.user.is_active
