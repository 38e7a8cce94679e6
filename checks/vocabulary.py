"""The cross-provider resource vocabulary of DESIGN.md, as data.

One table drives inventory validation (a typo is an error, not a silently missing
attribute), value coercion for CSV cells, documentation, and the check that built-in
rules only read documented attributes. Extend it; never rename a field.

Attribute paths are dotted (``encryption.enabled``); resources store them nested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The value kinds an attribute can have."""

    BOOL = "bool"
    INT = "int"
    STR = "str"
    DATE = "date"  # ISO 8601 date or datetime with zone
    ENUM = "enum"
    STR_LIST = "str_list"
    CIDR_LIST = "cidr_list"  # IPv4/IPv6 networks, e.g. 0.0.0.0/0, ::/0
    PORT_RANGES = "port_ranges"  # list of [from, to]
    OBJECT_LIST = "object_list"  # list of records described by ``item``
    ON_FILE = "on_file"  # a reference to a document, or yes/no: False when not on file
    PROTOCOL = "protocol"  # one of mamori.checks.network.PROTOCOLS
    ANY = "any"  # free-form (``raw``)


@dataclass(frozen=True)
class Field:
    """One documented attribute: its kind, meaning and constraints."""

    kind: Kind
    doc: str
    choices: tuple[str, ...] = ()
    never: bool = False  # a DATE that may be the string "never" (e.g. key never used)
    secret: bool = False  # never printed: masked in evidence, logs and reports
    item: Mapping[str, Field] = field(default_factory=dict)
    # A BOOL that may be written as the date it became true (an asset ledger's disposal
    # date): the value is then true, and the date is stored under this attribute.
    date_attr: str = ""
    # An ENUM's other spellings as HR and asset exports write them (退職 → leaver).
    synonyms: Mapping[str, str] = field(default_factory=dict)


def _f(kind: Kind, doc: str, **kw: object) -> Field:
    return Field(kind, doc, **kw)  # type: ignore[arg-type]


B, N, S, D = Kind.BOOL, Kind.INT, Kind.STR, Kind.DATE

#: Employment statuses as Japanese and English HR exports write them.
EMPLOYMENT_SYNONYMS: dict[str, str] = {
    "在籍": "active", "在職": "active", "現職": "active", "employed": "active",
    "current": "active", "退職": "leaver", "退職者": "leaver", "退職済": "leaver",
    "離職": "leaver", "left": "leaver", "terminated": "leaver", "former": "leaver",
    "契約": "contractor", "契約社員": "contractor", "派遣": "contractor",
    "派遣社員": "contractor", "業務委託": "contractor", "委託": "contractor",
    "contract": "contractor", "不明": "unknown",
}
_EMPLOYMENT = ("active", "leaver", "contractor", "unknown")

ACCESS_KEY: dict[str, Field] = {
    "id": _f(S, "access key id (public identifier, not the secret)"),
    "active": _f(B, "whether the key can be used"),
    "created": _f(D, "when the key was created"),
    "last_used": _f(D, "when the key was last used, or 'never'", never=True),
}

VOCABULARY: dict[str, dict[str, Field]] = {
    "account": {
        "root_mfa": _f(B, "the root / global-admin identity has MFA"),
        "password_policy.min_length": _f(N, "minimum password length enforced"),
        "password_policy.customer_configurable": _f(
            B, "the customer can change the password policy (false: fixed by the platform, "
               "e.g. Entra ID's 8 characters, a documented platform fact)"),
        "public_access_block": _f(B, "account-wide block of public storage access"),
        "audit_log.enabled": _f(B, "an audit trail is recording"),
        "audit_log.multi_region": _f(B, "the audit trail covers every region"),
        "audit_log.retention_days": _f(N, "days audit logs are kept"),
        "audit_log.data_access": _f(B, "data reads are logged too (GCP Data Access audit logs, "
                                       "S3 data events)"),
        "mfa_enforced": _f(B, "MFA required tenant-wide (security defaults / CA policy)"),
    },
    "user": {
        "enabled": _f(B, "the account can sign in"),
        "console_access": _f(B, "interactive (password / console) sign-in allowed"),
        "mfa": _f(B, "a second factor is registered"),
        "admin": _f(B, "holds administrative rights by any path"),
        "admin_direct": _f(B, "admin rights granted to the user directly, not via group/role"),
        "last_active": _f(D, "last sign-in or API activity, or 'never'", never=True),
        "created": _f(D, "when the account was created"),
        "employment": _f(Kind.ENUM, "HR status of the person behind the account",
                         choices=_EMPLOYMENT, synonyms=EMPLOYMENT_SYNONYMS),
        "guest": _f(B, "an external/guest identity"),
        "access_keys": _f(Kind.OBJECT_LIST, "programmatic keys", item=ACCESS_KEY),
        "mfa_enforced": _f(B, "a second factor is required at every sign-in of this user"),
        "email": _f(S, "the e-mail address or UPN of the account (joined to HR records)"),
        "employee_id": _f(S, "the employee number of the account's owner (joined to HR)"),
        "hr_matched": _f(B, "a person in the HR inventory owns the account (the HR join)"),
    },
    "role": {
        "admin": _f(B, "the role grants administrative rights"),
        "admin_direct": _f(B, "admin rights granted to the role itself, not via a group"),
        "trusted_principals": _f(Kind.STR_LIST, "principals allowed to assume the role"),
        "external_trust_unconditioned": _f(
            B, "an outside account or '*' may assume it without ExternalId/condition"),
    },
    "bucket": {
        "public": _f(B, "anyone on the internet can read or list it"),
        "public_via": _f(Kind.STR_LIST, "why it is public, e.g. acl:AllUsers:READ"),
        "encryption.enabled": _f(B, "encrypted at rest"),
        "encryption.customer_managed_key": _f(B, "encrypted with a customer-managed key"),
        "versioning": _f(B, "object versioning enabled"),
        "access_logging": _f(B, "access logging enabled"),
        "public_write": _f(B, "anyone on the internet can write or delete objects"),
        "public_access_block": _f(B, "public access to the bucket is blocked, by its own "
                                     "block or the account's (all four S3 settings in "
                                     "effect; GCP public access prevention enforced)"),
        "acl_enabled": _f(B, "object ACLs still grant access (S3 Object Ownership is not "
                             "BucketOwnerEnforced; GCP fine-grained access)"),
        "shared_key_access": _f(B, "account keys or SAS tokens can authorise access (Azure)"),
        "tls_required": _f(B, "only TLS connections are accepted (HTTPS only, or a policy "
                              "denying requests without aws:SecureTransport)"),
        "min_tls_version": _f(S, "lowest TLS version accepted, e.g. 1.2"),
    },
    "volume": {
        "encrypted": _f(B, "encrypted at rest"),
        "attached_to": _f(S, "the host it is attached to"),
        "customer_managed_key": _f(B, "encrypted with a customer-managed key"),
    },
    "database": {
        "encrypted": _f(B, "storage encrypted at rest"),
        "public": _f(B, "reachable from the internet"),
        "default_credentials": _f(B, "a vendor default account/password still works"),
        "admin_username": _f(S, "the administrative user name"),
        "engine": _f(S, "engine, e.g. postgres, mysql, sqlserver"),
        "customer_managed_key": _f(B, "storage encrypted with a customer-managed key"),
        "tls_required": _f(B, "clients must connect over TLS (requireSsl, "
                              "require_secure_transport, minimal TLS version enforced)"),
        "backups_enabled": _f(B, "automated backups are taken"),
    },
    "firewall_rule": {
        "direction": _f(Kind.ENUM, "traffic direction", choices=("ingress", "egress")),
        "protocol": _f(Kind.PROTOCOL, "all, tcp, udp, icmp, icmpv6, sctp, esp, ah or gre "
                       "(also -1, *, any, 'All traffic', protocol numbers)"),
        "ports": _f(Kind.PORT_RANGES, "port ranges [from, to]; all ports = [0, 65535]"),
        "sources": _f(Kind.CIDR_LIST, "source networks; the internet is 0.0.0.0/0 and ::/0"),
        "action": _f(Kind.ENUM, "allow or deny", choices=("allow", "deny")),
    },
    "host": {
        "os": _f(S, "operating system family"),
        "os_version": _f(S, "operating system version"),
        "last_patched": _f(D, "when patches were last applied"),
        "missing_critical_patches": _f(N, "number of missing critical patches"),
        "disk_encrypted": _f(B, "system disk encrypted"),
        "default_credentials": _f(B, "a vendor default account/password still works"),
        "internet_facing": _f(B, "reachable from the internet"),
    },
    "endpoint": {
        "owner": _f(S, "person responsible for the device"),
        "byod": _f(B, "privately owned device"),
        "disk_encrypted": _f(B, "disk encryption (BitLocker/FileVault) on"),
        "mdm_enrolled": _f(B, "enrolled in mobile device management"),
        "last_patched": _f(D, "when OS patches were last applied"),
        "usb_storage_blocked": _f(B, "USB mass storage blocked"),
        "screen_lock_minutes": _f(N, "idle minutes before screen lock; 0 = never locks"),
    },
    "network_device": {
        "vendor": _f(S, "manufacturer"),
        "model": _f(S, "model"),
        "default_credentials": _f(B, "a vendor default account/password still works"),
        "password_hash": _f(S, "admin password hash from the config", secret=True),
        "firmware_released": _f(D, "release date of the running firmware"),
        "admin_interface_internet": _f(B, "admin interface reachable from the internet"),
    },
    "vendor": {
        "handles_personal_data": _f(B, "processes personal data on our behalf (委託先)"),
        "security_clause": _f(Kind.ON_FILE, "the contract's security / data-protection "
                              "clause: its reference (契約書 第12条), or yes/no"),
        "last_assessment": _f(D, "last security assessment, or 'never'", never=True),
        "certifications": _f(Kind.STR_LIST, "e.g. ISO27001, Pマーク, SOC2"),
    },
    "media_disposal": {
        "asset": _f(S, "the disposed asset (disk, PC, paper...)"),
        "disposed": _f(B, "the asset has been disposed of: yes/no, or the disposal date",
                       date_attr="disposed_on"),
        "disposed_on": _f(D, "when the asset was disposed of"),
        "method": _f(Kind.ENUM, "how it was sanitized",
                     choices=("destroyed", "crypto_erase", "overwrite", "none")),
        "certificate": _f(Kind.ON_FILE, "the disposal certificate: its reference, or yes/no"),
        "verified_by": _f(Kind.ON_FILE, "who verified the disposal, or yes/no"),
    },
    "facility": {
        "holds_servers": _f(B, "servers or network racks are kept here"),
        "access_control": _f(Kind.ENUM, "how entry is controlled",
                             choices=("ic_card", "biometric", "key", "none")),
        "visitor_log": _f(B, "a visitor log is kept"),
    },
    "person": {
        "training_completed": _f(D, "last security training completed, or 'never'",
                                 never=True),
        "phishing_drill_failed": _f(B, "failed the latest phishing drill"),
        "employment": _f(Kind.ENUM, "HR status (在籍, 退職, 契約... are read too)",
                         choices=_EMPLOYMENT, synonyms=EMPLOYMENT_SYNONYMS),
        "left_on": _f(D, "last working day (for leavers)"),
        "emails": _f(Kind.STR_LIST, "e-mail addresses / UPNs of the person's accounts"),
        "employee_id": _f(S, "employee number"),
        "accounts": _f(Kind.STR_LIST, "other sign-in names of the person's accounts"),
    },
    "policy": {
        "admin": _f(B, "grants every action on every resource (Action * on Resource *)"),
        "customer_managed": _f(B, "written by the customer, not provided by the platform"),
        "attached": _f(B, "attached to at least one user, group or role"),
    },
}

RESOURCE_TYPES: tuple[str, ...] = tuple(VOCABULARY)

# Free-form keys every type accepts: the raw provider payload, and custom attributes.
RAW_KEY = "raw"
CUSTOM_PREFIX = "x_"

# Words that make a key's value a secret; how they match (whole words for the short ones,
# facts *about* a secret such as ``password_policy`` excepted) is mamori.checks.secrets.
SECRET_WORDS = (
    "password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "creds",
    "api_key", "private_key", "ssh_key", "encryption_key", "account_key", "shared_key",
    "master_key", "signing_key", "connection_string", "conn_str", "sas", "hash", "salt",
    "pin", "otp", "jwt", "cookie", "authorization", "bearer",
    "パスワード", "暗証番号", "秘密鍵", "認証情報", "トークン",
)


def lookup(resource_type: str, path: str) -> Field | None:
    """The documented field at ``path`` for a type, or None when not documented.

    Paths into object lists use the item's field name after the list name
    (``access_keys.last_used``).
    """
    fields = VOCABULARY.get(resource_type, {})
    if path in fields:
        return fields[path]
    head, _, rest = path.partition(".")
    parent = fields.get(head)
    if parent is not None and parent.kind is Kind.OBJECT_LIST:
        return parent.item.get(rest)
    return None


def is_secret(resource_type: str, path: str) -> bool:
    """True when the value at ``path`` must never be shown."""
    # Imported here: mamori.checks.secrets builds on this module (lookup, SECRET_WORDS).
    from mamori.checks.secrets import secret_path

    return secret_path(resource_type, path)
