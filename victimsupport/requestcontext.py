"""What the current request is, for code that has no request at hand (audit, security log)."""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)
_path: ContextVar[str] = ContextVar("request_path", default="")


def set_request(ip: str | None, path: str) -> tuple:
    return _ip.set(ip), _path.set(path)


def reset_request(tokens: tuple) -> None:
    _ip.reset(tokens[0])
    _path.reset(tokens[1])


def current_ip() -> str | None:
    return _ip.get()


def current_path() -> str:
    return _path.get()
