"""One-thing bundles (一件事): several items from several departments applied for once.

A bundle names its items by 实施编码, so it always uses each item's current published version. Optional
items join when the applicant's situation (情形) says so. The merged guide and the savings are computed
from the items (``bundles.merge``), never typed in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.bundles.constants import BundleState
from tongban.items.constants import Audience, TopicKind


class Bundle(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    summary = models.TextField(_("plain-language summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TopicKind.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    topic = models.ForeignKey(
        "items.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="bundles"
    )
    lead_department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="led_bundles"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=BundleState.choices, default=BundleState.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    policy_basis = models.CharField(_("policy basis"), max_length=300, blank=True)
    # BPMN process key (tongban.workflows); empty: the process generated from the bundle's items.
    process_key = models.CharField(_("case process"), max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")

    def __str__(self) -> str:
        return self.name


class Situation(models.Model):
    """情形: a yes/no question about the applicant that brings optional items into the bundle."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="situations")
    code = models.SlugField(_("code"), max_length=40)
    question = models.CharField(_("question"), max_length=200)
    question_en = models.CharField(_("English question"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("situation")
        verbose_name_plural = _("situations")
        constraints = [models.UniqueConstraint(fields=["bundle", "code"], name="situation_code_unique")]

    def __str__(self) -> str:
        return self.question


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item_code = models.CharField(_("item implementation code"), max_length=64)
    # Empty: always part of the bundle. Set: only when the applicant answers "yes" to the situation.
    situation = models.ForeignKey(
        Situation, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        constraints = [models.UniqueConstraint(fields=["bundle", "item_code"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.item_code}"

    @property
    def optional(self) -> bool:
        return self.situation_id is not None
