"""Writes of logistics: ``shipments`` (ask, book, retry, cancel, settle), ``tracking`` (events in, by
callback and by polling), ``delivery`` (signed for closes the case)."""
