"""Admin for search: the lexicon staff extend, and the anonymous query log with two reports.

* **Lexicon** (``LexiconEntry``): the expansions are edited as one line of text ("餐饮、食品经营许可",
  commas and 、 both work) and saved as a JSON list. Every save, delete or (de)activation calls
  ``search.services.mark_stale()``: each process rebuilds its index on its next search, no restart.
* **Query log** (``QueryLog``): read-only. Its list links to two reports (``search.reports``): the
  queries that found nothing and the queries whose results were rarely opened, each row with a button
  that opens a new lexicon entry prefilled with the query.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.request import principal_for
from tongban.audits.services import changes, record
from tongban.search import reports, services
from tongban.search.constants import LexiconKind
from tongban.search.models import LexiconEntry, QueryLog
from tongban.utils.admin_audit import AuditedAdmin

_SEPARATORS = re.compile(r"[,，、;；\n\r]+")
EXPANSION_MAX = 50


def parse_expansions(text: str) -> list[str]:
    """The expansions typed as one line, as a list: "餐饮、食品经营许可, 开饭店" → ["餐饮", "食品经营许可",
    "开饭店"]; words trimmed, blanks and repeats dropped."""
    seen: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        word = " ".join(part.split())
        if word and word not in seen:
            seen.append(word)
    return seen


class LexiconEntryForm(forms.ModelForm):
    expansions = forms.CharField(
        label=_("expands to"),
        required=False,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=_(
            "The official words this term should also find, separated by commas or 、 "
            "(e.g. 餐饮、食品经营许可). Leave empty for a stop word."
        ),
    )

    class Meta:
        model = LexiconEntry
        fields = ("term", "kind", "expansions", "weight", "note", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("expansions")
        if isinstance(current, list | tuple):
            self.initial["expansions"] = "、".join(str(x) for x in current)

    def clean_term(self) -> str:
        term = " ".join(str(self.cleaned_data.get("term") or "").split())
        if not term:
            raise forms.ValidationError(_("Type the term."), code="required")
        return term

    def clean_expansions(self) -> list[str]:
        words = parse_expansions(self.cleaned_data.get("expansions") or "")
        too_long = [w for w in words if len(w) > EXPANSION_MAX]
        if too_long:
            raise forms.ValidationError(
                _("An expansion can be at most %(max)s characters long: %(word)s"),
                code="expansion_too_long",
                params={"max": EXPANSION_MAX, "word": too_long[0]},
            )
        return words

    def clean_weight(self) -> float:
        weight = self.cleaned_data.get("weight")
        if weight is None or not 0 < weight <= 2:
            raise forms.ValidationError(
                _("The weight is a number above 0 and at most 2."), code="invalid_weight"
            )
        return float(weight)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, words = data.get("kind"), data.get("expansions") or []
        if kind == LexiconKind.STOPWORD and words:
            self.add_error("expansions", _("A stop word expands to nothing: leave this empty."))
        elif kind and kind != LexiconKind.STOPWORD and not words:
            self.add_error("expansions", _("Give at least one word this term should also find."))
        term = data.get("term")
        if term and words and term in words:
            self.add_error("expansions", _("A term does not need to expand to itself."))
        return data


class ExpansionCountFilter(admin.SimpleListFilter):
    title = _("expansions")
    parameter_name = "expands"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("expands to other words")), ("no", _("expands to nothing"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LexiconEntry]) -> QuerySet[LexiconEntry]:
        if self.value() == "yes":
            return queryset.exclude(expansions=[])
        if self.value() == "no":
            return queryset.filter(expansions=[])
        return queryset


@admin.register(LexiconEntry)
class LexiconEntryAdmin(AuditedAdmin):
    form = LexiconEntryForm
    list_display = ("term", "kind", "expansions_text", "weight", "is_active", "updated_at")
    list_display_links = ("term",)
    list_filter = ("kind", "is_active", ExpansionCountFilter)
    search_fields = ("term", "note")
    ordering = ("kind", "term")
    list_per_page = 100
    actions = ("activate_selected", "deactivate_selected")

    @admin.display(description=_("expands to"))
    def expansions_text(self, obj: LexiconEntry) -> str:
        return "、".join(str(x) for x in obj.expansions or []) or "—"

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """``?term=…&kind=…`` (the reports' "add to lexicon" buttons) prefill a new entry."""
        initial = super().get_changeform_initial_data(request)
        if initial.get("kind") not in LexiconKind.values:
            initial["kind"] = LexiconKind.COLLOQUIAL
        initial.setdefault("note", gettext("Added from the search reports."))
        return initial

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.mark_stale()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.mark_stale()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        services.mark_stale()

    def _set_active(self, request: HttpRequest, queryset: QuerySet[LexiconEntry], active: bool) -> None:
        changed = 0
        principal = principal_for(request)
        with transaction.atomic():
            for entry in queryset.exclude(is_active=active):
                entry.is_active = active
                entry.save(update_fields=["is_active", "updated_at"])
                record(
                    "admin.changed",
                    principal=principal,
                    obj=entry,
                    summary={
                        "fields": ["is_active"],
                        "changes": changes({"is_active": not active}, {"is_active": active}),
                    },
                )
                changed += 1
            if changed:
                services.mark_stale()
        self.message_user(
            request,
            ngettext("%(count)s lexicon entry changed.", "%(count)s lexicon entries changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Use the selected entries in searches"))
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[LexiconEntry]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description=_("Stop using the selected entries in searches"))
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[LexiconEntry]) -> None:
        self._set_active(request, queryset, False)


class ZeroResultFilter(admin.SimpleListFilter):
    title = _("results")
    parameter_name = "found"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("found nothing")), ("yes", _("found something"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[QueryLog]) -> QuerySet[QueryLog]:
        if self.value() == "no":
            return queryset.filter(result_count=0)
        if self.value() == "yes":
            return queryset.filter(result_count__gt=0)
        return queryset


class ClickedFilter(admin.SimpleListFilter):
    title = _("clicked")
    parameter_name = "clicked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("a result was opened")), ("no", _("no result was opened"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[QueryLog]) -> QuerySet[QueryLog]:
        if self.value() == "yes":
            return queryset.exclude(clicked_code="")
        if self.value() == "no":
            return queryset.filter(clicked_code="")
        return queryset


@admin.register(QueryLog)
class QueryLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by searches only (anonymously) and read by the reports."""

    list_display = (
        "created_at",
        "query",
        "normalized",
        "result_count",
        "kind_filter",
        "audience_filter",
        "suggestion",
        "clicked_code",
        "clicked_rank",
    )
    list_filter = (ZeroResultFilter, ClickedFilter, "kind_filter", "audience_filter")
    search_fields = ("query", "normalized")
    date_hierarchy = "created_at"
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("reports/zero-results/", wrap(self.zero_results_view), name=f"{name}_zero_results"),
            path("reports/low-clicks/", wrap(self.low_clicks_view), name=f"{name}_low_clicks"),
            *super().get_urls(),
        ]

    def _report_context(self, request: HttpRequest, title: str, days: int) -> dict[str, Any]:
        if not self.has_view_permission(request):
            raise PermissionDenied
        add_url = ""
        if request.user.has_perm("search.add_lexiconentry"):
            add_url = reverse("admin:search_lexiconentry_add")
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "days": days,
            "windows": reports.WINDOWS,
            "lexicon_add_url": add_url,
            "lexicon_url": reverse("admin:search_lexiconentry_changelist"),
        }

    def zero_results_view(self, request: HttpRequest) -> TemplateResponse:
        days = reports.window_days(request.GET.get("days"))
        context = self._report_context(request, gettext("Searches that found nothing"), days)
        context["rows"] = reports.zero_result_queries(days)
        return TemplateResponse(request, "admin/search/querylog/zero_results.html", context)

    def low_clicks_view(self, request: HttpRequest) -> TemplateResponse:
        days = reports.window_days(request.GET.get("days"))
        min_searches = _bounded_int(request.GET.get("min"), reports.DEFAULT_MIN_SEARCHES, 1, 10_000)
        max_percent = _bounded_int(request.GET.get("ctr"), round(reports.DEFAULT_MAX_CTR * 100), 0, 100)
        context = self._report_context(request, gettext("Searches whose results are rarely opened"), days)
        context.update(
            rows=reports.low_click_queries(days, min_searches=min_searches, max_ctr=max_percent / 100),
            min_searches=min_searches,
            max_percent=max_percent,
            keep=urlencode({"min": min_searches, "ctr": max_percent}),
        )
        return TemplateResponse(request, "admin/search/querylog/low_clicks.html", context)


def _bounded_int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)
