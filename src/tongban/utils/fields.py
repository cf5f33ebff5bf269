"""Model fields shared by apps."""

from __future__ import annotations

import zlib
from typing import Any

from django.db import models

ZLIB_LEVEL = 3  # JSON shrinks about five-fold at level 3 in a few hundredths of a millisecond


class CompressedTextField(models.BinaryField):
    """Text stored zlib-compressed (BLOB / bytea); the Python value is ``str``.

    For large, rarely queried text such as a case's serialised process state: it is written and read
    on every step, and compressing it cuts the rows (and the write-ahead log) about five-fold. Values
    written before the column was compressed (plain text) are still read.
    """

    description = "Text, compressed"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", b"")  # BinaryField insists on a bytes default; it reads back as ""
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raw = bytes(value)
        if raw[:1] == b"\x78":  # a zlib stream; JSON text never starts with "x"
            try:
                return zlib.decompress(raw).decode()
            except zlib.error:
                pass
        return raw.decode()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, (bytes, memoryview)):
            return self.from_db_value(value, None, None)
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if isinstance(value, str):
            value = zlib.compress(value.encode(), ZLIB_LEVEL)
        return super().get_db_prep_value(value, connection, prepared)

    def value_to_string(self, obj: Any) -> str:
        return str(self.value_from_object(obj) or "")
