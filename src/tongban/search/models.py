"""Search data kept in the database: the editable lexicon and the anonymous query log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.search.constants import LexiconKind


class LexiconEntry(models.Model):
    """A word people type and what it should also find: 饭馆 → 餐饮; 营业执照 → 企业设立登记 …

    Staff extend the lexicon in the admin from the zero-result and low-click reports.
    """

    term = models.CharField(_("term"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=LexiconKind.choices)
    # Terms added to the query when ``term`` appears (empty for stop words).
    expansions = models.JSONField(_("expands to"), default=list, blank=True)
    weight = models.FloatField(_("weight of the expansions"), default=0.8)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "term"]
        verbose_name = _("lexicon entry")
        verbose_name_plural = _("lexicon")
        constraints = [models.UniqueConstraint(fields=["term", "kind"], name="lexicon_term_kind_unique")]

    def __str__(self) -> str:
        return f"{self.term} → {'、'.join(self.expansions)}" if self.expansions else self.term


class QueryLog(models.Model):
    """One search, anonymously: no user, no session, no address; identifiers in the text are masked."""

    query = models.CharField(_("query"), max_length=200)
    normalized = models.CharField(_("normalised query"), max_length=200, db_index=True)
    kind_filter = models.CharField(max_length=10, blank=True)
    audience_filter = models.CharField(max_length=10, blank=True)
    result_count = models.PositiveIntegerField(_("results"))
    top_codes = models.JSONField(default=list, blank=True)
    suggestion = models.CharField(_("did you mean"), max_length=200, blank=True)
    clicked_code = models.CharField(_("clicked"), max_length=64, blank=True)
    clicked_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")

    def __str__(self) -> str:
        return self.query


class IndexGeneration(models.Model):
    """A counter bumped whenever published content changes; each process rebuilds its in-memory index
    when the counter moves, so publishing re-indexes without a restart."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search index generation")

    def __str__(self) -> str:
        return f"generation {self.generation}"


class DocumentVector(models.Model):
    """The embedding of one document text (keyed by its SHA-1), written by the task worker."""

    key = models.CharField(max_length=40, primary_key=True)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document vector")

    def __str__(self) -> str:
        return self.key
