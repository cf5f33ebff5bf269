"""The curated seed lexicon (search/data/lexicon.py) into the editable LexiconEntry table.

Only missing (term, kind) pairs are added: entries staff edited or deactivated are left as they are.
"""

from __future__ import annotations

from django.db import transaction

from tongban.search.models import LexiconEntry
from tongban.search.services import mark_stale
from tongban.search.text import normalize


def load_seed_lexicon() -> int:
    from tongban.search.data.lexicon import LEXICON

    existing = set(LexiconEntry.objects.values_list("term", "kind"))
    new = []
    for entry in LEXICON:
        key = (normalize(entry.term), entry.kind)
        if key in existing:
            continue
        existing.add(key)
        new.append(
            LexiconEntry(term=key[0], kind=entry.kind, expansions=list(entry.expansions), weight=entry.weight)
        )
    with transaction.atomic():
        LexiconEntry.objects.bulk_create(new)
        if new:
            mark_stale()
    return len(new)
