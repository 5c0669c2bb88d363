"""Anomaly rule parameters: the documented defaults in ``data/rules.toml``, overridden by a
TOML file of the same shape (``--config FILE`` or the environment's YAOAN_TRACE_RULES)."""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).with_name("data") / "rules.toml"
ENV_VAR = "YAOAN_TRACE_RULES"


class ConfigError(ValueError):
    """A configuration file that cannot be used (message in Chinese)."""


def _merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        path = f"{where}.{key}" if where else key
        if key not in base:
            raise ConfigError(f"规则配置中有未知的参数“{path}”")
        if isinstance(base[key], dict) and isinstance(value, dict):
            merged[key] = _merge(base[key], value, path)
        elif isinstance(base[key], dict) != isinstance(value, dict):
            raise ConfigError(f"规则配置参数“{path}”的类型不对")
        else:
            merged[key] = value
    return merged


def load(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Defaults merged with ``path`` (or $YAOAN_TRACE_RULES when path is None)."""
    config = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    chosen = path or os.environ.get(ENV_VAR) or None
    if chosen:
        try:
            override = tomllib.loads(Path(chosen).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"无法读取规则配置文件 {chosen}：{exc}") from exc
        config = _merge(config, override)
    return config
