"""``manage.py load_lexicon``: add the curated seed lexicon's missing entries (safe to repeat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongban.search.seed import load_seed_lexicon


class Command(BaseCommand):
    help = "Add the missing entries of the seed search lexicon; staff edits are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_seed_lexicon()
        self.stdout.write(f"lexicon: {added} entries added")
