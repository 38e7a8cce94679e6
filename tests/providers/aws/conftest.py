"""A moto server on loopback for the AWS provider tests, and guards against real AWS.

The server runs in this process (``ThreadedMotoServer`` on 127.0.0.1, port 0), so
tests can also edit moto's backend objects where the API cannot (a key's last-use
date). boto3 talks to it over real HTTP; only the endpoint URL differs from
production. Two guards: the suite-wide socket guard (tests/conftest.py) and, here,
a botocore send hook that refuses any request whose host is not loopback.
"""

from __future__ import annotations

import importlib
import ipaddress
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.providers.aws import estate

pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

ACCOUNT = "123456789012"  # moto's default account
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}
_UNSET = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION")


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@pytest.fixture(scope="session", autouse=True)
def _only_loopback_aws() -> Iterator[None]:
    """Fail any botocore request that would leave the machine."""
    session_class: Any = importlib.import_module("botocore.httpsession").URLLib3Session
    real_send = session_class.send

    def send(self: Any, request: Any) -> Any:
        if not _loopback(request.url):
            raise RuntimeError(f"AWS test tried to reach {request.url!r}")
        return real_send(self, request)

    session_class.send = send
    yield
    session_class.send = real_send


@pytest.fixture(scope="session")
def aws_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An AWS config file with two profiles for the same (default) account."""
    path = tmp_path_factory.mktemp("aws") / "config"
    body = "".join(
        f"[profile {name}]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
        "region = us-east-1\n" for name in ("main", "main-again"))
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def moto_url(aws_config: Path) -> Iterator[str]:
    """Start moto on 127.0.0.1 with the test environment; stop it by its handle."""
    saved = {k: os.environ.get(k) for k in (*ENV, *_UNSET, "AWS_CONFIG_FILE")}
    os.environ.update(ENV, AWS_CONFIG_FILE=str(aws_config))
    for key in _UNSET:
        os.environ.pop(key, None)
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --------------------------------------------------------------------------- scenario

OTHER_ACCOUNT = "111111111111"
OUTSIDE_ACCOUNT = "999999999999"
AUDIT_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/audit"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
REGIONS = ("us-east-1", "eu-west-1")
OLD_KEY_DAYS = 100
TRAIL_RETENTION_DAYS = 400


_doc = estate.doc


def _trust(principal: Any, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal,
                                 "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return _doc(statement)


class Clients:
    """boto3 clients for the scenario set-up (moto endpoint, one account)."""

    def __init__(self, url: str, credentials: dict[str, str] | None = None) -> None:
        boto3: Any = importlib.import_module("boto3")
        self.url = url
        self.session = boto3.Session(**(credentials or {}))

    def __call__(self, service: str, region: str = "us-east-1") -> Any:
        return self.session.client(service, region_name=region, endpoint_url=self.url)


def _s3control(aws: Clients) -> Any:
    # Same workaround as the provider's: no <account-id>. host prefix on loopback.
    from mamori.providers.aws.session import _strip_account_label

    client = aws("s3control")
    client.meta.events.register("before-sign.s3-control", _strip_account_label)
    return client


def _buckets(aws: Clients) -> None:
    s3 = aws("s3")
    for name in ("policy-public", "policy-conditioned", "acl-public-blocked", "kms-cmk",
                 "sse-s3", "plain", "access-logs", "trail-logs"):
        s3.create_bucket(Bucket=name)
    aws("s3", "eu-west-1").create_bucket(
        Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_policy(Bucket="policy-public", Policy=_doc(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::policy-public/*"}))
    s3.put_bucket_policy(Bucket="policy-conditioned", Policy=_doc(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::policy-conditioned/*",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}))
    s3.put_bucket_acl(Bucket="acl-public-blocked", ACL="public-read")
    key_id = aws("kms").create_key(Description="bucket key")["KeyMetadata"]["KeyId"]
    s3.put_bucket_encryption(Bucket="kms-cmk", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                "KMSMasterKeyID": key_id}}]})
    s3.put_bucket_encryption(Bucket="sse-s3", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_versioning(Bucket="sse-s3", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_acl(Bucket="access-logs", ACL="log-delivery-write")
    s3.put_bucket_logging(Bucket="sse-s3", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "access-logs", "TargetPrefix": "sse-s3/"}})
    s3.put_bucket_tagging(Bucket="kms-cmk", Tagging={"TagSet": [
        {"Key": "mamori:data-classes", "Value": "personal, payment"},
        {"Key": "mamori:records", "Value": "1200"}]})
    s3.put_bucket_lifecycle_configuration(Bucket="trail-logs", LifecycleConfiguration={
        "Rules": [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"},
                   "Expiration": {"Days": TRAIL_RETENTION_DAYS}}]})
    estate.more_buckets(s3)
    # The account block ignores public ACLs but leaves bucket policies in force.
    _s3control(aws).put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})


def _users(aws: Clients) -> list[str]:
    iam = aws("iam")
    for name in ("group-admin", "direct-admin", "custom-admin", "console-no-mfa",
                 "console-mfa", "old-key", "never-used-key", "plain"):
        iam.create_user(UserName=name)
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN_POLICY)
    iam.add_user_to_group(GroupName="admins", UserName="group-admin")
    iam.attach_user_policy(UserName="direct-admin", PolicyArn=ADMIN_POLICY)
    custom = iam.create_policy(PolicyName="everything", PolicyDocument=_doc(
        {"Effect": "Allow", "Action": "*:*", "Resource": "*"}))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="custom-admin", PolicyArn=custom)
    iam.put_user_policy(UserName="plain", PolicyName="read", PolicyDocument=_doc(
        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}))
    for name in ("console-no-mfa", "console-mfa"):
        iam.create_login_profile(UserName=name, Password="Correct-Horse-9")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="console-mfa")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="console-mfa", SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    secrets = [iam.create_access_key(UserName=name)["AccessKey"]["SecretAccessKey"]
               for name in ("old-key", "never-used-key")]
    iam.update_account_password_policy(MinimumPasswordLength=14)
    estate.policies(iam)
    estate.tag_users(iam)
    return secrets + estate.two_keys(iam)


def _age_key(user: str, days: int) -> Any:
    """Make a key created and last used ``days`` ago: moto has no API to backdate."""
    from datetime import UTC, datetime, timedelta

    from moto.iam.models import AccessKeyLastUsed, iam_backends

    key = iam_backends[ACCOUNT]["global"].users[user].access_keys[0]
    when = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0)
    key.create_date = when - timedelta(days=100)
    key.last_used = AccessKeyLastUsed(timestamp=when, service="s3", region="us-east-1")
    return when


def _roles(aws: Clients) -> None:
    iam = aws("iam")
    roles = {
        "cross-open": _trust({"AWS": f"arn:aws:iam::{OUTSIDE_ACCOUNT}:root"}),
        "cross-extid": _trust({"AWS": f"arn:aws:iam::{OUTSIDE_ACCOUNT}:root"},
                              {"StringEquals": {"sts:ExternalId": "s3cr3t-ext"}}),
        "star-trust": _trust({"AWS": "*"}),
        "own-account": _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
        "ec2-admin": _trust({"Service": "ec2.amazonaws.com"}),
    }
    for name, trust in roles.items():
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="ec2-admin", PolicyArn=ADMIN_POLICY)


def _network(aws: Clients) -> dict[str, str]:
    ec2 = aws("ec2")
    rules = {
        "ssh-range": {"IpProtocol": "tcp", "FromPort": 20, "ToPort": 30,
                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        "ipv6-open": {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                      "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        "all-traffic": {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "192.168.0.0/16"}]},
        "icmp-ping": {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1,
                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    }
    for name, permission in rules.items():
        group = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    eu = aws("ec2", "eu-west-1")
    group = eu.create_security_group(GroupName="eu-ssh", Description="eu")["GroupId"]
    eu.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ids = {}
    key = aws("kms").create_key(Description="volume key")["KeyMetadata"]["Arn"]
    for name, encrypted, key_id in (("loose-volume", False, None),
                                    ("sealed-volume", True, None),  # the aws/ebs key
                                    ("cmk-volume", True, key)):
        extra = {"KmsKeyId": key_id} if key_id else {}
        ids[name] = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a", Encrypted=encrypted,
                                      TagSpecifications=[{"ResourceType": "volume", "Tags": [
                                          {"Key": "Name", "Value": name}]}], **extra)["VolumeId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ids["web"] = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}])[
        "Instances"][0]["InstanceId"]
    return ids


def _databases(aws: Clients) -> dict[str, str]:
    rds = aws("rds")
    net = estate.db_network(aws("ec2"))
    estate.subnet_groups(rds, net)
    # Reachable: publicly accessible, public subnets, SG open to the internet on 5432.
    rds.create_db_instance(DBInstanceIdentifier="public-db", Engine="postgres",
                           DBInstanceClass="db.t3.micro", MasterUsername="postgres",
                           MasterUserPassword="not-a-real-pw-1", AllocatedStorage=20,
                           PubliclyAccessible=True, StorageEncrypted=False,
                           BackupRetentionPeriod=0, DBSubnetGroupName="public-subnets",
                           VpcSecurityGroupIds=[net["db-open"]])
    estate.reachability_databases(rds, net)
    estate.tls_database(rds, aws("kms").create_key(Description="db key")["KeyMetadata"]["Arn"])
    rds.create_db_instance(DBInstanceIdentifier="private-db", Engine="mysql",
                           DBInstanceClass="db.t3.micro", MasterUsername="dbadmin",
                           MasterUserPassword="not-a-real-pw-2", AllocatedStorage=20,
                           PubliclyAccessible=False, StorageEncrypted=True)
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                          MasterUsername="clusteradmin", MasterUserPassword="not-a-real-pw-3",
                          StorageEncrypted=True)
    return net


def _trail(aws: Clients) -> None:
    cloudtrail = aws("cloudtrail")
    cloudtrail.create_trail(Name="everywhere", S3BucketName="trail-logs",
                            IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="everywhere")
    estate.data_events(cloudtrail, "everywhere")


def _other_account(aws: Clients) -> list[str]:
    """Account 2 (reached by assuming a role): a bucket public by ACL, no account block."""
    creds = aws("sts").assume_role(RoleArn=AUDIT_ROLE, RoleSessionName="setup")["Credentials"]
    other = Clients(aws.url, {"aws_access_key_id": creds["AccessKeyId"],
                              "aws_secret_access_key": creds["SecretAccessKey"],
                              "aws_session_token": creds["SessionToken"]})
    assert other("sts").get_caller_identity()["Account"] == OTHER_ACCOUNT
    other("s3").create_bucket(Bucket="acct2-acl-public")
    other("s3").put_bucket_acl(Bucket="acct2-acl-public", ACL="public-read")
    estate.other_account_buckets(other("s3"))
    return [creds["SecretAccessKey"], creds["SessionToken"]]


class Scenario:
    """What the set-up created, with the expected values that are not literals."""

    def __init__(self, url: str) -> None:
        aws = Clients(url)
        _buckets(aws)
        self.secrets = _users(aws)
        _roles(aws)
        self.ids = _network(aws)
        self.ids.update(_databases(aws))
        _trail(aws)
        self.secrets += _other_account(aws)
        self.old_key_used = _age_key("old-key", OLD_KEY_DAYS)
        self.url = url


@pytest.fixture(scope="session")
def scenario(moto_url: str) -> Scenario:
    """The verdict-relevant AWS estate, built once per test session (per worker)."""
    return Scenario(moto_url)


class Collection:
    """One collection run: resources by (account, type, name), errors, progress lines."""

    def __init__(self, items: list[Any], progress: list[str]) -> None:
        from mamori.checks.model import CollectionError, Resource

        self.items = items
        self.progress = progress
        self.resources = [i for i in items if isinstance(i, Resource)]
        self.errors = [i for i in items if isinstance(i, CollectionError)]
        self.by_name: dict[tuple[str, str, str], list[Any]] = {}
        ids: set[tuple[str, str]] = set()
        for r in self.resources:
            assert (r.account, r.id) not in ids, f"duplicate resource id {r.id}"
            ids.add((r.account, r.id))
            self.by_name.setdefault((r.account, r.type, r.name), []).append(r)

    def get(self, type_: str, name: str, account: str = ACCOUNT) -> Any:
        """The one resource of that account, type and name."""
        [found] = self.by_name[(account, type_, name)]
        return found


def run_provider(**options: Any) -> Collection:
    """Collect with the AWS provider and these options (progress captured)."""
    from mamori.providers.aws.options import AwsOptions
    from mamori.providers.aws.provider import AwsProvider

    progress: list[str] = []
    options.setdefault("max_attempts", 2)  # moto's unimplemented calls answer 500
    provider = AwsProvider(AwsOptions(progress=progress.append, **options))
    return Collection(list(provider.collect()), progress)


@pytest.fixture(scope="session")
def collected(scenario: Scenario) -> Collection:
    """The scenario collected once: two profiles of one account, a role into another."""
    return run_provider(profiles=["main", "main-again"], role_arns=[AUDIT_ROLE],
                        external_id="ext-id-for-audit", regions=list(REGIONS),
                        endpoint_url=scenario.url, max_workers=8)


@pytest.fixture(scope="session")
def collect_with() -> Any:
    """``run_provider`` for tests that need their own options."""
    return run_provider
