"""Process definitions (BPMN + DMN) uploaded by process designers.

A row is one immutable *version* of a process key: content, checksum and validation report never change
after upload; only its state moves draft → published → retired. At most one version per key is
published; ``engine.resolve`` prefers it over the shipped files. Running cases are not affected by
publishing or retiring: each case's serialised workflow carries the spec it started with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.workflows.constants import DefinitionState


class ProcessDefinition(models.Model):
    key = models.CharField(_("process key"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    bpmn = models.TextField(_("BPMN XML"))
    # DMN XML documents, one decision each (a SpiffWorkflow limit).
    dmn = models.JSONField(_("DMN XML documents"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DefinitionState.choices, default=DefinitionState.DRAFT
    )
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    validation = models.JSONField(_("validation report"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uploaded_process_definitions",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_process_definitions",
    )

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="process_key_version_unique"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(state="published"), name="one_published_process_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def ref(self) -> str:
        """How running workflows name this definition (``engine.Workflow.ref``)."""
        return f"{self.key}@{self.version}"

    @property
    def is_valid(self) -> bool:
        return bool((self.validation or {}).get("ok"))
