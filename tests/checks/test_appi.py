from mamori.checks.appi import classify
from mamori.checks.findings import RuleInfo, Text
from mamori.checks.model import Cause, DataClass, Resource, Severity

RULE = RuleInfo(id="T-1", title=Text("t", "t"), remediation=Text("r", "r"),
                severity=Severity.MEDIUM, causes=(Cause.HUMAN_ERROR,), frameworks={},
                resource_type="bucket", source="x")


def res(classes: tuple[DataClass, ...], records: int | None) -> Resource:
    return Resource(type="bucket", id="b", provider="onprem", data_classes=classes,
                    records=records)


def test_no_personal_data_no_appi() -> None:
    assert classify(RULE, res((DataClass.CONFIDENTIAL,), 50_000), ()) is None


def test_thresholds() -> None:
    small = classify(RULE, res((DataClass.PERSONAL,), 1000), ())
    assert small is not None and small.reportable is False
    large = classify(RULE, res((DataClass.PERSONAL,), 1001), ())
    assert large is not None and large.reportable is True
    sensitive = classify(RULE, res((DataClass.SENSITIVE_PERSONAL,), 1), ())
    assert sensitive is not None and sensitive.reportable is True
    payment = classify(RULE, res((DataClass.PAYMENT,), None), ())
    assert payment is not None and payment.reportable is True


def test_unknown_number_of_people() -> None:
    appi = classify(RULE, res((DataClass.PERSONAL,), None), ())
    assert appi is not None and appi.reportable is None


def test_encryption_rules_mention_exemption() -> None:
    appi = classify(RULE, res((DataClass.PERSONAL,), 5000), ("encryption.enabled",))
    assert appi is not None and any("暗号化" in n for n in appi.notes)
