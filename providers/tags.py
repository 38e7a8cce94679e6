"""What a cloud resource's tags (labels) say about the data it holds.

No cloud API knows whether a bucket holds customer data, so organisations tag it; every
provider (AWS tags, Azure tags, GCP labels, Terraform ``tags``/``labels``) reads the same
tags through this module:

- ``mamori:data-classes`` (GCP labels cannot hold ``:``: ``mamori-data-classes``; the
  spellings with ``_`` are accepted too): ``personal``, ``sensitive_personal``,
  ``payment``, ``confidential``, separated by commas, spaces, ``;`` or ``-`` (GCP label
  values allow no commas: ``personal-payment``). ``sensitive-personal`` and
  ``sensitive personal`` mean ``sensitive_personal``. A plain ``data_classes`` tag is read
  last (Terraform plans written before the prefix).
- ``mamori:records`` (``mamori-records``, plain ``records`` last): the number of people
  whose data it holds.

A tag that is present but holds a word mamori does not know (a typo such as
``personl``) makes the data classes **unknown** (None), never "no personal data": the
rules that depend on them are then undecided, and APPI reportability is unknown. The
same for a records value that is not a whole number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mamori.checks.model import DataClass

DATA_CLASSES_TAGS = ("mamori:data-classes", "mamori:data_classes", "mamori-data-classes",
                     "mamori_data_classes", "data_classes")
RECORDS_TAGS = ("mamori:records", "mamori-records", "mamori_records", "records")
_KNOWN = {d.value: d for d in DataClass}
_SENSITIVE = re.compile(r"sensitive[-\s]+personal")


def _first(tags: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in tags:
            return str(tags[name])
    lowered = {k.lower(): v for k, v in tags.items()}
    for name in names:
        if name in lowered:
            return str(lowered[name])
    return None


def data_classes(tags: Mapping[str, str]) -> tuple[DataClass, ...] | None:
    """The data classes the tags declare; () when untagged; None when unreadable."""
    text = _first(tags, DATA_CLASSES_TAGS)
    if text is None:
        return ()
    words = [w for w in re.split(r"[-,;\s]+", _SENSITIVE.sub("sensitive_personal",
                                                              text.strip().lower())) if w]
    if any(w not in _KNOWN for w in words):
        return None
    return tuple(dict.fromkeys(_KNOWN[w] for w in words))


def records(tags: Mapping[str, str]) -> int | None:
    """The number of people the tags declare; None when absent or not a whole number."""
    text = _first(tags, RECORDS_TAGS)
    if text is None:
        return None
    value = text.strip().replace(",", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
