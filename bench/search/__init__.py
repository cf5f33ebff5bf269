"""The search benchmark: ``python -m bench.search`` (see ``run.py`` and ``README.md``)."""
