"""Whether an RDS database refuses connections without TLS (``database.tls_required``).

RDS has no single "require TLS" switch; each engine has a parameter in the instance's DB
parameter group (Aurora: the cluster's DB cluster parameter group), read with
``DescribeDBParameters`` / ``DescribeDBClusterParameters``. A group lists its parameters
with their values; a parameter without a value takes the engine's default, which AWS
documents per engine and version:

- ``postgres``: ``rds.force_ssl``, 1 from PostgreSQL 15 and 0 before ("Updating
  applications to connect to PostgreSQL DB instances using new SSL/TLS certificates");
- ``aurora-postgresql``: ``rds.force_ssl`` in the cluster group, 0;
- ``mysql``: ``require_secure_transport``, OFF for 8.4 and lower, ON for 9.7
  ("Requiring SSL/TLS for all connections to a MySQL DB instance on Amazon RDS");
- ``mariadb``: ``require_secure_transport``, OFF for 11.4 and lower, ON from 11.8, not
  supported before 10.5 ("Requiring SSL/TLS for all connections to a MariaDB DB instance");
- ``aurora-mysql``: ``require_secure_transport`` in the cluster group, OFF;
- ``sqlserver-*``: ``rds.force_ssl``, 0.

A default parameter group (``default.<family>``; custom groups cannot be named so) holds
the engine defaults and cannot be changed, so it is not read: the documented default
decides. A version between documented ones (MySQL 9.0 to 9.6, MariaDB 11.5 to 11.7) and engines
without such a parameter (Oracle, Db2: TLS is an option-group listener there, the
plain listener stays) are unknown: the attribute stays absent. So is a group whose
parameters could not be read, and an instance whose parameter group is not ``in-sync``
(a change waiting for a reboot is not yet in force; AWS Config's
``rds-sqlserver-encrypted-in-transit`` reads it the same way).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TRUE = frozenset({"1", "on", "true"})
_FALSE = frozenset({"0", "off", "false"})
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?")

Version = tuple[int, int]


def parameter_name(engine: str) -> str | None:
    """The parameter that requires TLS for ``engine``, or None when it has none."""
    if engine in ("postgres", "aurora-postgresql") or engine.startswith("sqlserver"):
        return "rds.force_ssl"
    if engine in ("mysql", "mariadb", "aurora-mysql", "aurora"):
        return "require_secure_transport"
    return None


def _version(text: str) -> Version | None:
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def engine_default(engine: str, version_text: str) -> bool | None:
    """The documented default of the engine's TLS parameter, or None when not documented."""
    version = _version(version_text)
    if engine in ("aurora-postgresql", "aurora-mysql", "aurora") or engine.startswith(
            "sqlserver"):
        return False
    if version is None:
        return None
    if engine == "postgres":
        return version >= (15, 0)
    if engine == "mysql":
        return True if version >= (9, 7) else (False if version < (9, 0) else None)
    if engine == "mariadb":
        if version >= (11, 8):
            return True
        return False if version <= (11, 4) else None
    return None


def read_flag(value: str) -> bool | None:
    """A parameter's value as a boolean; None for a value of another shape."""
    word = value.strip().lower()
    if word in _TRUE:
        return True
    return False if word in _FALSE else None


def is_default_group(name: str) -> bool:
    """True for a default parameter group, which holds the engine defaults."""
    return name.startswith("default.")


def tls_required(engine: str, version: str, parameters: Mapping[str, str | None] | None,
                 in_sync: bool) -> bool | None:
    """Whether the database refuses plain connections; None when it cannot be told.

    ``parameters`` is the group's name → value (None: listed without a value), or None
    when the group could not be read.
    """
    name = parameter_name(engine)
    if name is None or parameters is None or not in_sync:
        return None
    value = parameters.get(name)
    if value is None:
        return engine_default(engine, version)
    return read_flag(value)
