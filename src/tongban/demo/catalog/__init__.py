"""The seed service catalogue loaded by ``manage.py load_demo`` (see docs/catalog-seed.md).

Data only, one small module per department or area (``samr``, ``gaj`` …) plus the shared reference
tables (licence types, material kinds, data resources, form fields, topics, bundles). The loader
(:mod:`tongban.demo.catalog.loader`) writes items through :mod:`tongban.items.services`, so every seed
item is a published version that passed ``check_publishable``.

The legal bases name real laws and regulations, but this is demonstration data: verify each item
against the official 实施清单 before any production use.
"""
