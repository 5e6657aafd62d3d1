"""Where cockpit keeps its files.

platformdirs gives each OS its usual locations; ``COCKPIT_HOME`` puts every
location under one folder so tests and portable installs stay self-contained.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from msgspec import Struct

APP_NAME = "cockpit"


class Locations(Struct, frozen=True):
    config_dir: Path
    data_dir: Path
    state_dir: Path

    @property
    def incidents_dir(self) -> Path:
        return self.data_dir / "incidents"

    @property
    def default_config_file(self) -> Path:
        return self.config_dir / "config.toml"


def locations() -> Locations:
    """The directories in force now (reads the environment on every call)."""
    home = os.environ.get("COCKPIT_HOME")
    if home:
        root = Path(home).expanduser()
        return Locations(root / "config", root / "data", root / "state")
    import platformdirs

    return Locations(
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_state_dir(APP_NAME)),
    )


def config_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: ``--config``, then ``COCKPIT_CONFIG``, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("COCKPIT_CONFIG")
    if env:
        return Path(env).expanduser()
    return locations().default_config_file


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the user only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(PermissionError):
        path.chmod(0o700)
    return path
