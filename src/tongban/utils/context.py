"""Per-request context (request id, channel, actor) available to services without passing requests.

Services record audit events with whatever the current context holds; management commands and tasks
bind their own channel (``cli``, ``task``).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    channel: str = "system"


_DEFAULT = RequestContext()
# RequestContext is frozen, so sharing one default instance is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "tongban_request_context",
    default=_DEFAULT,  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


def bind(**values: Any) -> contextvars.Token[RequestContext]:
    return _current.set(replace(_current.get(), **values))


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
