"""The commented default config written by ``cockpit config init``.

Generated from the schema's field docs, so the file and the validator can
never drift apart. Every line is commented out: the defaults apply until the
engineer uncomments and edits one.
"""

from __future__ import annotations

import json
from typing import Any

from msgspec import Struct

from cockpit.config.schema import Config, documented_fields


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def _section(name: str, obj: Any, lines: list[str], array: bool = False) -> None:
    lines.append(f"# [[{name}]]" if array else f"# [{name}]")
    nested: list[tuple[str, Any, bool]] = []
    for field, value, meta in documented_fields(obj):
        doc = meta.get("doc", "")
        if isinstance(value, list) and value and isinstance(value[0], Struct):
            nested.extend((f"{name}.{field}", item, True) for item in value)
            continue
        if meta.get("choices"):
            doc += " One of: " + ", ".join(repr(c) for c in meta["choices"]) + "."
        lines.append(f"#   {doc}")
        if value is None:
            lines.append(f"# {field} = ")
        else:
            lines.append(f"# {field} = {toml_value(value)}")
    lines.append("")
    for nested_name, item, is_array in nested:
        _section(nested_name, item, lines, is_array)


def default_config_text() -> str:
    lines = [
        "# cockpit configuration (TOML). Every key is optional; uncomment to change one.",
        "# Unknown keys are errors. Secrets are never stored here: name an environment",
        "# variable (…_env) or a file (…_file) instead.",
        "",
    ]
    config = Config()
    for field in config.__struct_fields__:
        _section(field, getattr(config, field), lines)
    return "\n".join(lines).rstrip() + "\n"
