from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """持证主体: who a licence is issued to (GB/T 36903 持证主体代码类型: 111 ID number, 001 USCC)."""

    NATURAL_PERSON = "natural_person", _("Natural person")
    LEGAL_PERSON = "legal_person", _("Legal person")
