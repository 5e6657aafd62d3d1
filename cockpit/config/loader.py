"""Strict TOML loading: unknown keys, wrong types and bad values are refused.

Each error is one line naming the file, the dotted key and what was expected,
so a typo at 03:00 costs seconds, not a traceback hunt.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Union

from msgspec import Struct

from cockpit.config.schema import Config, field_meta


class ConfigError(Exception):
    """A config file that cannot be used; the message is the whole story."""


def load_config(path: Path, *, missing_ok: bool = True) -> Config:
    """Read and validate ``path``; a missing file gives the defaults when ``missing_ok``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return Config()
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict[str, Any], *, source: str = "<config>") -> Config:
    """Build a :class:`Config` from parsed TOML, raising :class:`ConfigError`."""
    result = _build(Config, data, source, "")
    assert isinstance(result, Config)
    return result


def _describe(value: Any) -> str:
    name = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{name} {shown}" if len(shown) <= 40 else name


def _build(cls: type, data: Any, source: str, prefix: str) -> Any:
    where = prefix.rstrip(".") or "top level"
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: {where}: expected a table, got {_describe(data)}")
    hints = typing.get_type_hints(cls)
    fields: tuple[str, ...] = cls.__struct_fields__  # type: ignore[attr-defined]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        known = ", ".join(sorted(fields))
        raise ConfigError(f"{source}: {prefix}{unknown[0]}: unknown key (expected one of: {known})")
    meta = field_meta(cls)
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _convert(hints[name], value, meta.get(name, {}), source, f"{prefix}{name}")
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required field without default (none today)
        raise ConfigError(f"{source}: {where}: {exc}") from None


def _convert(hint: Any, value: Any, meta: typing.Mapping[str, Any], source: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, meta, source, key)
    if isinstance(hint, type) and issubclass(hint, Struct):
        return _build(hint, value, source, key + ".")
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{source}: {key}: expected a list, got {_describe(value)}")
        return [_convert(args[0], v, {}, source, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: {key}: expected a table, got {_describe(value)}")
        return {str(k): _convert(args[1], v, {}, source, f"{key}.{k}") for k, v in value.items()}
    _check_scalar(hint, value, source, key)
    if hint is float:
        value = float(value)
    choices = meta.get("choices")
    if choices and value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ConfigError(f"{source}: {key}: expected one of {allowed}, got {value!r}")
    low = meta.get("min")
    if low is not None and value < low:
        raise ConfigError(f"{source}: {key}: expected a value >= {low}, got {value!r}")
    return value


def _check_scalar(hint: Any, value: Any, source: str, key: str) -> None:
    expected = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}[hint]
    ok = (
        (hint is bool and isinstance(value, bool))
        or (hint is str and isinstance(value, str))
        or (hint is int and isinstance(value, int) and not isinstance(value, bool))
        or (hint is float and isinstance(value, int | float) and not isinstance(value, bool))
    )
    if not ok:
        raise ConfigError(f"{source}: {key}: expected {expected}, got {_describe(value)}")


def resolve_secret(env_name: str, file_name: str, *, what: str) -> str | None:
    """Read a secret named by the config (environment variable or file), never stored in it."""
    if env_name:
        value = os.environ.get(env_name)
        if value:
            return value.strip()
    if file_name:
        path = Path(file_name).expanduser()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{what}: cannot read secret file {path}: {exc.strerror}") from None
    if env_name:
        raise ConfigError(f"{what}: environment variable {env_name} is not set")
    return None
