"""Reading plan files: encodings, modules, unknowns, and files that are not plans."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource
from mamori.providers.terraform.modules import PlanWalker
from mamori.providers.terraform.plan import read_plan
from mamori.providers.terraform.provider import TerraformPlanProvider
from mamori.providers.terraform.values import UNKNOWN, merge_unknown
from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import verdict

PLANS = Path(__file__).parent / "plans"
TF_ROOT = Path(__file__).parent / "tf"
FIXTURE = PLANS / "s3_module.json"


def collect(path: Path, side: str = "after", tf_root: Path | None = None) -> dict[str, Resource]:
    provider = TerraformPlanProvider(path, side, tf_root)
    return {r.id: r for r in provider.collect() if isinstance(r, Resource)}


def test_handwritten_plan_with_module_and_count() -> None:
    found = collect(FIXTURE)
    bucket = found["module.storage.aws_s3_bucket.this[0]"]
    assert bucket.source == "module.storage.aws_s3_bucket.this[0]"
    assert bucket.name == "acme-prod-exports" and bucket.region == "ap-northeast-1"
    assert bucket.data_classes is not None
    assert [d.value for d in bucket.data_classes] == ["personal"]
    # The policy is built from the bucket's ARN: unknown until apply, so never PASS.
    assert verdict(bucket, "MAM-STO-001") == "ERROR"
    assert verdict(bucket, "MAM-STO-002") == "PASS"
    assert verdict(found["aws_account"], "MAM-ACC-002") == "FAIL"


def test_tf_root_gives_file_and_line() -> None:
    found = collect(FIXTURE, tf_root=TF_ROOT)
    where = found["module.storage.aws_s3_bucket.this[0]"].attributes["raw"]["location"]
    assert where["file"].endswith("tf/modules/storage/main.tf") and where["line"] == 3
    root = found["aws_account"]
    assert root.attributes["raw"]["addresses"] == ["aws_s3_account_public_access_block.this"]
    plain = collect(FIXTURE)["module.storage.aws_s3_bucket.this[0]"].attributes["raw"]
    assert plain["location"]["file"].endswith("plans/s3_module.json")
    assert "line" not in plain["location"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_as_windows_writes_them(tmp_path: Path, encoding: str) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "plan.json"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data  # utf-16-le stays without BOM: found by NUL bytes
    path.write_bytes(data)
    assert read_plan(path)["format_version"] == "1.2"
    assert "module.storage.aws_s3_bucket.this[0]" in collect(path)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"format_version": "1.2", "planned_values": {"root_module": {', "not valid JSON"),
    (b"", "not valid JSON"),
    (b'{"name": "not a plan"}', "not a Terraform plan"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"format_version": "1.0", "values": {"root_module": {}}}', "state, not of a plan"),
    (b'{"version": 4, "resources": []}', "raw state file"),
    (b'{"format_version": "2.0", "planned_values": {}}', "unsupported plan format_version"),
    (b"PK\x03\x04binary", "binary plan file"),
    (b'{"format_version": "1.2", "resource_changes": {}}', "should be a list"),
    (b"\xff\xfe{\x00\"\x00\xd8", "cannot decode"),
])
def test_files_that_are_not_plans(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InventoryError) as err:
        list(TerraformPlanProvider(path).collect())
    assert message in str(err.value)
    assert "bad.json" in str(err.value)


def test_truncated_plan_names_the_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InventoryError, match=r"cut\.json:\d+: inventory error: not valid JSON"):
        read_plan(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match=r"nope\.json: inventory error: cannot read: no such"):
        read_plan(tmp_path / "nope.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_plan_or_tf_source_that_is_a_fifo_is_refused_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "tfplan.json")
    with pytest.raises(InventoryError, match="named pipe"):
        read_plan(tmp_path / "tfplan.json")
    root = tmp_path / "tf"
    (root / "modules" / "storage").mkdir(parents=True)
    os.mkfifo(root / "modules" / "storage" / "main.tf")
    with pytest.raises(InventoryError, match=r"main\.tf: inventory error: cannot read: a named"):
        collect(FIXTURE, tf_root=root)


def test_merge_unknown_marks_nested_leaves() -> None:
    merged = merge_unknown({"a": 1, "rule": [{"x": 1}]},
                           {"b": True, "rule": [{"y": True}], "tags": {}})
    assert merged == {"a": 1, "b": UNKNOWN, "rule": [{"x": 1, "y": UNKNOWN}], "tags": None}
    assert merge_unknown(None, [True, False]) == [UNKNOWN, None]


def test_sides_deleted_moved_and_prior_state_only() -> None:
    plan = PlanBuilder()
    plan.add("aws_s3_bucket.gone", before={"bucket": "gone"})
    plan.add("aws_s3_bucket.new_name", before={"bucket": "m"}, after={"bucket": "m"},
             previous_address="aws_s3_bucket.old_name")
    document = plan.document()
    document["prior_state"]["values"]["root_module"]["resources"].append(
        {"address": "aws_s3_bucket.untouched", "mode": "managed", "type": "aws_s3_bucket",
         "name": "untouched", "values": {"bucket": "u"}})
    document["prior_state"]["values"]["root_module"]["resources"].append(
        {"address": "data.aws_caller_identity.me", "mode": "data",
         "type": "aws_caller_identity", "name": "me", "values": {}})
    walker = PlanWalker(document)
    after = [r.address for r in walker.after()]
    before = [r.address for r in walker.before()]
    assert after == ["aws_s3_bucket.new_name"]
    assert before == ["aws_s3_bucket.gone", "aws_s3_bucket.new_name", "aws_s3_bucket.untouched"]


def test_nested_module_instances_keep_their_keys() -> None:
    plan = PlanBuilder()
    plan.add('module.app["web"].module.db.aws_db_instance.main[1]',
             after={"identifier": "web", "engine": "mysql"})
    resource = PlanWalker(plan.document()).after()[0]
    assert resource.module == 'module.app["web"].module.db'
    assert resource.index == 1 and resource.type == "aws_db_instance"


def test_plan_without_configuration_still_maps(tmp_path: Path) -> None:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del document["configuration"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    bucket = collect(path)["module.storage.aws_s3_bucket.this[0]"]
    # Without configuration the inline read-backs count as set: unknown, so ERROR.
    assert verdict(bucket, "MAM-STO-001") == "ERROR"
    assert "versioning" not in bucket.attributes


def test_planned_values_only_plan(tmp_path: Path) -> None:
    document = PlanBuilder().add("aws_ebs_volume.v", after={"encrypted": False}).document()
    del document["resource_changes"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert verdict(collect(path)["aws_ebs_volume.v"], "MAM-VOL-001") == "FAIL"
