"""Configuration: strict TOML, documented fields, secrets by reference."""

from cockpit.config.loader import ConfigError, config_from_dict, load_config, resolve_secret
from cockpit.config.schema import (
    DEFAULT_PANELS,
    ActionsConfig,
    AlertmanagerConfig,
    Config,
    KubernetesConfig,
    LLMConfig,
    LogsConfig,
    PanelConfig,
    PrometheusConfig,
    TargetsConfig,
)

__all__ = [
    "DEFAULT_PANELS",
    "ActionsConfig",
    "AlertmanagerConfig",
    "Config",
    "ConfigError",
    "KubernetesConfig",
    "LLMConfig",
    "LogsConfig",
    "PanelConfig",
    "PrometheusConfig",
    "TargetsConfig",
    "config_from_dict",
    "load_config",
    "resolve_secret",
]
