"""The service catalogue (事项目录/实施清单, GB/T 39046).

A ``ServiceItem`` row is one *version* of an item, identified by its 实施编码 ``code`` and ``version``.
Drafts are edited; publishing freezes a version (it is never edited again, only superseded or retired)
and later cases pin the version they were created under. Materials, fees, legal bases and FAQs belong
to a version. Where an item is done in each district (无差别受理) is kept per item code, not per version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.items.constants import (
    Audience,
    CaseKind,
    ExerciseLevel,
    HandlingScope,
    ItemState,
    ItemType,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    Requirement,
    ResultKind,
    TimeUnit,
    TopicKind,
)


class Topic(models.Model):
    """A life or business event used to browse the catalogue (出生, 开办企业, 退休 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TopicKind.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["audience", "order", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class DataResource(models.Model):
    """A data set government already holds (数据共享), e.g. 户籍信息 or 社保缴费记录."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    provider = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="data_resources"
    )
    shared = models.BooleanField(_("shared through the data hub"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")

    def __str__(self) -> str:
        return self.name


class MaterialKind(models.Model):
    """A kind of document, the same whichever item asks for it (身份证, 营业执照 …).

    Bundles deduplicate materials by kind; exemption (两个免于提交) is decided from the kind's source.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=MaterialSource.choices)
    issuing_department = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_material_kinds",
    )
    license_type = models.ForeignKey(
        "licenses.LicenseType", null=True, blank=True, on_delete=models.PROTECT, related_name="material_kinds"
    )
    data_resource = models.ForeignKey(
        DataResource, null=True, blank=True, on_delete=models.PROTECT, related_name="material_kinds"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("material kind")
        verbose_name_plural = _("material kinds")

    def __str__(self) -> str:
        return self.name


class FormField(models.Model):
    """A question of an application form; a bundle asks each field once however many items need it."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, default="text")
    # For ``choice`` fields: the allowed answers, each {"value": ..., "label": ..., "label_en": ...}.
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return self.label


class ServiceItemQuerySet(models.QuerySet["ServiceItem"]):
    def published(self) -> ServiceItemQuerySet:
        return self.filter(state=ItemState.PUBLISHED)


class ServiceItem(models.Model):
    # --- identity and version ---
    code = models.CharField(_("implementation code (实施编码)"), max_length=64, db_index=True)
    basic_code = models.CharField(_("basic code (基本编码)"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    state = models.CharField(_("state"), max_length=12, choices=ItemState.choices, default=ItemState.DRAFT)
    change_note = models.CharField(_("what changed in this version"), max_length=300, blank=True)
    # --- what it is ---
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    summary = models.TextField(_("plain-language summary"), blank=True)
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    local_type_code = models.CharField(_("local type code"), max_length=10, blank=True)
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="items")
    exercise_level = models.CharField(
        _("exercise level"), max_length=1, choices=ExerciseLevel.choices, default=ExerciseLevel.CITY
    )
    for_natural_persons = models.BooleanField(_("for individuals"), default=False)
    for_legal_persons = models.BooleanField(_("for businesses and organisations"), default=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="items")
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    # --- time limits ---
    case_kind = models.CharField(_("case kind"), max_length=1, choices=CaseKind.choices)
    legal_time_limit = models.PositiveIntegerField(_("legal time limit"), null=True, blank=True)
    legal_time_unit = models.CharField(
        _("legal time unit"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    legal_time_note = models.CharField(_("legal time note"), max_length=300, blank=True)
    promised_time_limit = models.PositiveIntegerField(_("promised time limit"), null=True, blank=True)
    promised_time_unit = models.CharField(
        _("promised time unit"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    promised_time_note = models.CharField(_("promised time note"), max_length=300, blank=True)
    # --- how it is done ---
    visits = models.PositiveSmallIntegerField(_("visits to a counter"), default=0)
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices, default=OnlineDepth.SUBMISSION
    )
    onsite_reason = models.CharField(_("why a visit is necessary"), max_length=300, blank=True)
    acceptance_conditions = models.TextField(_("acceptance conditions"), blank=True)
    procedure = models.TextField(_("procedure (one step per line)"), blank=True)
    handling_scope = models.CharField(
        _("handling scope"), max_length=20, choices=HandlingScope.choices, default=HandlingScope.CITY
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    supports_appointment = models.BooleanField(_("appointments"), default=True)
    supports_online_payment = models.BooleanField(_("online payment"), default=False)
    supports_delivery = models.BooleanField(_("result by post"), default=False)
    # --- fees and result ---
    charges_fee = models.BooleanField(_("charges a fee"), default=False)
    result_name = models.CharField(_("result"), max_length=200, blank=True)
    result_kind = models.CharField(_("result kind"), max_length=12, choices=ResultKind.choices, blank=True)
    result_license_type = models.ForeignKey(
        "licenses.LicenseType", null=True, blank=True, on_delete=models.PROTECT, related_name="issuing_items"
    )
    form_fields = models.ManyToManyField(FormField, blank=True, related_name="items")
    # --- how a case is processed ---
    # BPMN process key (tongban.workflows); empty: the standard template for the item's 办件类型.
    process_key = models.CharField(_("case process"), max_length=80, blank=True)
    # --- contacts ---
    consultation_phone = models.CharField(_("consultation phone"), max_length=60, blank=True)
    supervision_phone = models.CharField(_("supervision phone"), max_length=60, blank=True)
    # --- life cycle ---
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Frozen copy of the whole version (with materials, fees ...) taken at publication: the record of
    # exactly what applicants were told, and the basis of the change history.
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True, editable=False)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state="published"), name="one_published_version_per_item"
            ),
            models.UniqueConstraint(fields=["code"], condition=Q(state="draft"), name="one_draft_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"

    @property
    def is_editable(self) -> bool:
        return self.state == ItemState.DRAFT


class LegalBasis(models.Model):
    """设定依据: a law or regulation and the article that sets the item up."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="legal_bases")
    law = models.CharField(_("law or regulation"), max_length=200)
    article = models.CharField(_("article"), max_length=100, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return f"《{self.law}》{self.article}"


class Material(models.Model):
    """A material an item asks for (申请材料), with item-specific form, counts and conditions."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    kind = models.ForeignKey(MaterialKind, on_delete=models.PROTECT, related_name="uses")
    name = models.CharField(_("name as shown in this item"), max_length=150, blank=True)
    form = models.CharField(
        _("form"), max_length=12, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL
    )
    original_count = models.PositiveSmallIntegerField(_("originals"), default=1)
    copy_count = models.PositiveSmallIntegerField(_("copies"), default=0)
    requirement = models.CharField(
        _("requirement"), max_length=12, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    condition = models.CharField(_("when required"), max_length=300, blank=True)
    # A legal reason the applicant must hand this in even though government holds it (e.g. 原件核验).
    must_submit_reason = models.CharField(_("must be handed in because"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    blank_form = models.FileField(_("blank form"), upload_to="catalogue/forms/", blank=True)
    sample = models.FileField(_("filled-in sample"), upload_to="catalogue/samples/", blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.kind.name


class FeeItem(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("fee"), max_length=150)
    standard = models.CharField(_("rate (收费标准)"), max_length=300)
    amount_cents = models.PositiveIntegerField(_("amount in fen, when fixed"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300)
    waivable = models.BooleanField(_("may be waived"), default=False)
    waiver_note = models.CharField(_("who may be exempted"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return self.name


class FAQ(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self) -> str:
        return self.question


class ItemLocation(models.Model):
    """The procedural part a district fills in for an item: where, when, whom to call (无差别受理)."""

    item_code = models.CharField(_("implementation code"), max_length=64, db_index=True)
    district = models.ForeignKey(
        "organizations.Region", on_delete=models.PROTECT, related_name="item_locations"
    )
    window = models.ForeignKey(
        "organizations.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200)
    hours = models.CharField(_("opening hours"), max_length=100)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["item_code", "district__code"]
        verbose_name = _("item location")
        verbose_name_plural = _("item locations")
        constraints = [
            models.UniqueConstraint(fields=["item_code", "district"], name="one_location_per_district")
        ]

    def __str__(self) -> str:
        return f"{self.item_code} @ {self.district_id}"
