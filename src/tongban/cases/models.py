"""Cases (办件): one application for an item or a bundle, its tasks, materials, notices and timeline.

A case pins the item versions it was submitted under (``CaseItem.item`` points at the version row) and
the process it runs: ``workflow_state`` is the serialised SpiffWorkflow (with its spec inside), saved in
the same transaction as every change of the case, so a crash never loses or repeats a step.
``workflow_rev`` is bumped on each save; a writer that read an older revision loses (optimistic lock).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.cases.constants import (
    CaseStatus,
    Channel,
    DeliveryMethod,
    EventKind,
    HolderKind,
    ItemStatus,
    MaterialSource,
    MaterialStatus,
    TargetKind,
    TaskKind,
    TaskStatus,
)
from tongban.utils.crypto import EncryptedJSONField, EncryptedTextField
from tongban.utils.fields import CompressedTextField

USER = settings.AUTH_USER_MODEL


class CaseCounter(models.Model):
    """Serial numbers of case numbers, one row per day (see ``cases.numbers``)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Upload(models.Model):
    """A checked file uploaded before (or while) applying; attached to a case material on submission."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_uploads")
    file = models.FileField(upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    mime = models.CharField(_("type"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:8]})"


class Case(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Assigned on submission (drafts have none); format in docs/cases.md and ``cases.numbers``.
    case_no = models.CharField(_("case number"), max_length=24, null=True, blank=True, unique=True)
    target_kind = models.CharField(_("applies for"), max_length=10, choices=TargetKind.choices)
    bundle = models.ForeignKey(
        "bundles.Bundle", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    target_code = models.CharField(_("item or bundle code"), max_length=64)
    target_name = models.CharField(_("service"), max_length=200)
    situations = models.JSONField(_("situations"), default=list, blank=True)
    # --- who ---
    applicant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="cases")
    acting_for = models.ForeignKey(
        "accounts.LegalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    holder_kind = models.CharField(_("applicant kind"), max_length=10, choices=HolderKind.choices)
    holder_name = models.CharField(_("applicant"), max_length=200)
    holder_code = EncryptedTextField(_("ID number or credit code"), context="cases.holder")
    holder_hash = models.CharField(max_length=64, db_index=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # 帮办代办: the staff member who registered the case for a walk-in applicant.
    registered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="registered_cases"
    )
    lead_department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="led_cases"
    )
    front_desk = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+")
    # --- what ---
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    form = EncryptedJSONField(_("form"), context="cases.form", default=dict)
    delivery_method = models.CharField(
        _("results delivered"),
        max_length=12,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.ELECTRONIC,
    )
    # A draft's attached uploads (material kind → upload id) and consents, so a draft resumes with its
    # files on any device; empty once submitted (the materials are then CaseMaterial rows).
    draft_materials = models.JSONField(default=dict, blank=True)
    pre_review = models.CharField(_("pre-review"), max_length=12, blank=True)
    pre_review_reason = models.CharField(_("pre-review finding"), max_length=300, blank=True)
    # --- process ---
    process_ref = models.CharField(max_length=120, blank=True)
    workflow_state = CompressedTextField(blank=True)
    workflow_rev = models.PositiveIntegerField(default=0)
    next_timer_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # --- clock (working days; see cases.clocks) ---
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    promised_limit = models.PositiveIntegerField(_("promised working days"), null=True, blank=True)
    legal_limit = models.PositiveIntegerField(_("legal working days"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)
    suspended_since = models.DateField(null=True, blank=True)
    extended_days = models.PositiveIntegerField(default=0)
    due_on = models.DateField(_("promised by"), null=True, blank=True, db_index=True)
    legal_due_on = models.DateField(_("legal deadline"), null=True, blank=True)
    # --- domain figures ---
    visits_required = models.PositiveSmallIntegerField(_("visits required"), default=0)
    materials_submitted = models.PositiveSmallIntegerField(_("materials handed in"), default=0)
    materials_exempted = models.PositiveSmallIntegerField(_("materials exempted"), default=0)
    elapsed_days = models.PositiveIntegerField(_("working days used"), null=True, blank=True)
    # --- idempotent submission ---
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    # --- times ---
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    rating_invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_key_once",
            )
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["acting_for", "-created_at"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_no or _('draft')} · {self.target_name}"

    @property
    def is_draft(self) -> bool:
        return self.status == CaseStatus.DRAFT


class CaseItem(models.Model):
    """One item of a case (a bundle case has several), decided by its department."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("items.ServiceItem", on_delete=models.PROTECT, related_name="case_items")
    item_code = models.CharField(max_length=64)
    name = models.CharField(_("service"), max_length=200)
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    promised_limit = models.PositiveIntegerField(null=True, blank=True)
    legal_limit = models.PositiveIntegerField(null=True, blank=True)
    due_on = models.DateField(_("promised by"), null=True, blank=True)
    decision_reason = models.CharField(_("reason code"), max_length=40, blank=True)
    decision_text = models.TextField(_("reason and legal basis"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    result_license = models.ForeignKey(
        "licenses.License", null=True, blank=True, on_delete=models.PROTECT, related_name="case_items"
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("case item")
        verbose_name_plural = _("case items")
        constraints = [models.UniqueConstraint(fields=["case", "item_code"], name="case_item_once")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.name}"


class Task(models.Model):
    """A user task of the case's process that people work on (mirrors a READY Spiff task)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    case_item = models.ForeignKey(
        CaseItem, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    spiff_id = models.CharField(max_length=40)
    bpmn_id = models.CharField(max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices)
    name = models.CharField(_("task"), max_length=120)
    lane = models.CharField(max_length=60)
    # Who works on it: staff of this department holding this role (none for the applicant's own task).
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    started_on = models.DateField()
    limit = models.PositiveIntegerField(null=True, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [models.UniqueConstraint(fields=["case", "spiff_id"], name="task_spiff_once")]
        indexes = [models.Index(fields=["department", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.case_id})"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


class CaseMaterial(models.Model):
    """A material of the case, asked once however many of its items need it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    kind = models.ForeignKey("items.MaterialKind", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("material"), max_length=150)
    needed_by = models.JSONField(_("needed by items"), default=list)
    required = models.BooleanField(_("required"), default=True)
    source = models.CharField(_("source"), max_length=12, choices=MaterialSource.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MaterialStatus.choices)
    exemption_note = models.CharField(_("why exempt"), max_length=300, blank=True)
    upload = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    license = models.ForeignKey(
        "licenses.License", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    license_type = models.ForeignKey(
        "licenses.LicenseType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The licence data as fetched and verified (staff see it on the task page); personal data.
    fetched = EncryptedJSONField(context="cases.material", default=dict, blank=True)
    provided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_material_once")]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """一次性告知: everything the applicant must supplement, each with its reason, sent at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    stage = models.CharField(max_length=12)  # "acceptance" | "review"
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    # [{"target": "material:<kind code>" | "field:<key>", "reason": <code>, "text": ...}]
    entries = models.JSONField(default=list)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("one-time notice")
        verbose_name_plural = _("one-time notices")

    def __str__(self) -> str:
        return f"{self.case_id} notice {self.pk}"


class Extension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField(_("working days"))
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self) -> str:
        return f"+{self.days} ({self.case_id})"


class CaseEvent(models.Model):
    """The case timeline. ``public`` events are shown to the applicant; data holds no personal data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=100, blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class SystemPush(models.Model):
    """Outbox of accepted case items for department business systems; retried by the worker."""

    case_item = models.OneToOneField(CaseItem, on_delete=models.CASCADE, related_name="push")
    system = models.CharField(max_length=40)
    status = models.CharField(max_length=10, default="pending")  # pending | sent | failed
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("department system push")
        verbose_name_plural = _("department system pushes")

    def __str__(self) -> str:
        return f"{self.case_item_id} → {self.system} ({self.status})"
