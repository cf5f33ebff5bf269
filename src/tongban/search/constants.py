from django.db import models
from django.utils.translation import gettext_lazy as _


class LexiconKind(models.TextChoices):
    """How a lexicon entry changes a query that contains its term."""

    SYNONYM = "synonym", _("Synonym: the same thing in other words")
    COLLOQUIAL = "colloquial", _("Everyday wording (生活化用语) → the official terms")
    INTENT = "intent", _("Intent word (开/办/换/补/丢了/取)")
    STOPWORD = "stopword", _("Stop word: carries no meaning for search")
    ENGLISH = "english", _("English wording → Chinese terms")


class DocKind(models.TextChoices):
    ITEM = "item", _("Service item")
    BUNDLE = "bundle", _("One-thing bundle")
    FAQ = "faq", _("FAQ")
