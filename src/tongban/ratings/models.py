"""Ratings (好差评), their rectifications (差评整改) and the public board's figures.

A case has at most two ratings: the first (``sequence`` 1) and one follow-up (追评, ``sequence`` 2); the
board uses the latest (``is_current``). The rater is always stored (the platform knows who rated);
``anonymous`` hides them from the department. Every bad rating opens one :class:`Rectification` for the
responsible department unless the case already has one open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.ratings.constants import (
    Action,
    AppealStatus,
    BoardScope,
    Channel,
    Classification,
    EscalationReason,
    Level,
    Mode,
    Outcome,
    RaterKind,
    RectificationStatus,
)

USER = settings.AUTH_USER_MODEL


class Rating(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ratings")
    sequence = models.PositiveSmallIntegerField(_("rating number"), default=1)
    is_current = models.BooleanField(_("latest rating of the case"), default=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    tags = models.JSONField(_("indicators"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    mode = models.CharField(_("service"), max_length=8, choices=Mode.choices)
    anonymous = models.BooleanField(_("anonymous toward the department"), default=False)
    # --- who rated (never shown to the department when anonymous) ---
    rater = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="ratings_given")
    acting_for = models.ForeignKey(
        "accounts.LegalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rater_kind = models.CharField(_("rater"), max_length=12, choices=RaterKind.choices)
    # --- whom it rates ---
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="ratings"
    )
    item = models.ForeignKey(
        "items.ServiceItem", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    district = models.ForeignKey(
        "organizations.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "organizations.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window_staff = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # --- appeal upheld: kept, with the reason, but out of every score ---
    excluded = models.BooleanField(_("excluded from scores"), default=False)
    excluded_reason = models.TextField(_("why excluded"), blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            # One rating per case plus one follow-up.
            models.UniqueConstraint(fields=["case", "sequence"], name="rating_once_per_case"),
            models.CheckConstraint(condition=Q(sequence__in=[1, 2]), name="rating_sequence_1_or_2"),
            models.UniqueConstraint(
                fields=["rater", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="rating_idempotency_key_once",
            ),
        ]
        indexes = [models.Index(fields=["is_current", "excluded", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.level}"


class RatingTarget(models.Model):
    """One item of the rated case with its department: a bundle case is rated once and counted for every
    item and department in it (the rectification goes to the lead department)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="targets")
    item = models.ForeignKey("items.ServiceItem", on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(max_length=64)
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("rated item")
        verbose_name_plural = _("rated items")
        constraints = [models.UniqueConstraint(fields=["rating", "item_code"], name="rating_target_once")]

    def __str__(self) -> str:
        return f"{self.rating_id}:{self.item_code}"


class Rectification(models.Model):
    """差评整改 of one bad rating by the responsible department (see docs/ratings.md for the states)."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="rectifications")
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="rectifications"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    handler = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("deadline"), db_index=True)
    # --- 回访核实 ---
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_reached = models.BooleanField(_("rater reached"), null=True, blank=True)
    callback_notes = models.TextField(_("call-back notes"), blank=True)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, blank=True
    )
    # --- answer and the rater's confirmation ---
    response = models.TextField(_("answer to the rater"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rater_satisfied = models.BooleanField(null=True, blank=True)
    # --- escalation (overdue or the rater still unsatisfied) ---
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=20, choices=EscalationReason.choices, blank=True)
    # --- 申诉复核 ---
    appeal_status = models.CharField(max_length=10, choices=AppealStatus.choices, blank=True, default="")
    appeal_reason = models.TextField(_("appeal reasons"), blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_decision = models.TextField(_("appeal decision"), blank=True)
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    status_before_appeal = models.CharField(max_length=12, blank=True)
    # --- end ---
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    on_time = models.BooleanField(_("closed by the deadline"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["department", "status", "due_on"])]

    def __str__(self) -> str:
        return f"R{self.pk} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status != RectificationStatus.CLOSED


class RectificationStep(models.Model):
    """The rectification's own record of what was done (the audit trail has the same, hash-chained)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Shown to the rater (the answer, the confirmation), or staff only (call-back notes, appeals).
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")

    def __str__(self) -> str:
        return f"{self.rectification_id}:{self.action}"


class Invitation(models.Model):
    """The rating invitation sent for a case (once)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="rating_invitation")
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")

    def __str__(self) -> str:
        return f"{self.case_id}"


class BoardFigure(models.Model):
    """Aggregates of the public board per (scope, key, period); rebuilt by ``ratings.board``. No personal
    data: counts only."""

    scope = models.CharField(max_length=12, choices=BoardScope.choices)
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    period = models.CharField(max_length=7)  # "all" or "YYYY-MM"
    ratings = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)
    rectified = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["scope", "-ratings", "key"]
        verbose_name = _("board figure")
        verbose_name_plural = _("board figures")
        constraints = [models.UniqueConstraint(fields=["scope", "key", "period"], name="board_figure_once")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}:{self.period}"
