"""A clean AWS account on moto: every setting the built-in rules judge is good.

Account 222222222222, reached by assuming ``arn:aws:iam::222222222222:role/audit``
(moto lets the default test identity assume a role in any account). What the APIs
cannot show stays out of reach (an HR status, whether a default password still works),
so a scan of this account must exit 0 with those findings NOT_ASSESSED.

moto has no API for two facts, set on its in-process backend instead: root MFA (AWS
enables it in the console only) and the instance's Systems Manager state (moto does not
implement SSM; the loopback proxy answers those calls, see :func:`ssm_rules`).
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.providers.aws import estate
from tests.providers.aws.proxy import Rule
from tests.providers.aws.test_ssm import ssm_rules as _ssm_rules

CLEAN_ACCOUNT = "222222222222"
CLEAN_ROLE = f"arn:aws:iam::{CLEAN_ACCOUNT}:role/audit"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
LOGS, TRAIL_LOGS, DATA = "clean-access-logs", "clean-trail-logs", "clean-data"


def _clients(url: str) -> Any:
    boto3: Any = importlib.import_module("boto3")
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=url)
    creds = sts.assume_role(RoleArn=CLEAN_ROLE, RoleSessionName="setup")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    return lambda service: session.client(service, region_name="us-east-1", endpoint_url=url)


def _storage(aws: Any, key: str) -> None:
    s3 = aws("s3")
    estate.hardened_bucket(s3, LOGS, key, estate.log_delivery(LOGS))
    for name in (TRAIL_LOGS, DATA):
        estate.hardened_bucket(s3, name, key)
    for name in (LOGS, TRAIL_LOGS, DATA):
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": LOGS, "TargetPrefix": f"{name}/"}})
    s3.put_bucket_tagging(Bucket=DATA, Tagging={"TagSet": [
        {"Key": "mamori:data-classes", "Value": "personal"},
        {"Key": "mamori:records", "Value": "250"}]})
    from tests.providers.aws.conftest import _s3control

    _s3control(aws).put_public_access_block(AccountId=CLEAN_ACCOUNT,
                                            PublicAccessBlockConfiguration=estate.ALL_FOUR)


def _identity(aws: Any) -> None:
    iam = aws("iam")
    iam.update_account_password_policy(MinimumPasswordLength=16)
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN_POLICY)
    reader = iam.create_policy(PolicyName="clean-reader", PolicyDocument=estate.doc(
        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="admins", PolicyArn=reader)
    iam.create_user(UserName="alice", Tags=[{"Key": "mamori:email",
                                             "Value": "alice@example.co.jp"}])
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Clean-Account-Pw-9")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_role(RoleName="clean-app", AssumeRolePolicyDocument=estate.doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}))
    from moto.iam.models import iam_backends

    iam_backends[CLEAN_ACCOUNT]["global"].account_summary._account_mfa_enabled = 1


def _compute(aws: Any, key: str) -> str:
    ec2 = aws("ec2")
    web = ec2.create_security_group(GroupName="clean-web", Description="web")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ec2.create_volume(Size=1, AvailabilityZone="us-east-1a", Encrypted=True, KmsKeyId=key,
                      TagSpecifications=[{"ResourceType": "volume", "Tags": [
                          {"Key": "Name", "Value": "clean-data-volume"}]}])
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    return str(ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, SecurityGroupIds=[web],
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {
            "VolumeSize": 8, "Encrypted": True, "KmsKeyId": key}}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [
            {"Key": "Name", "Value": "clean-web"}]}])["Instances"][0]["InstanceId"])


def _audit(aws: Any) -> None:
    cloudtrail = aws("cloudtrail")
    cloudtrail.create_trail(Name="clean-trail", S3BucketName=TRAIL_LOGS, IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="clean-trail")
    estate.data_events(cloudtrail, "clean-trail")


class CleanAccount:
    """The clean account, built once; ``ssm_rules`` answer SSM for its instance."""

    def __init__(self, url: str) -> None:
        aws = _clients(url)
        key = aws("kms").create_key(Description="clean key")["KeyMetadata"]["Arn"]
        _storage(aws, key)
        _identity(aws)
        self.instance = _compute(aws, key)
        estate.tls_database(aws("rds"), key, name="clean-db")
        _audit(aws)

    def ssm_rules(self) -> list[Rule]:
        """Systems Manager's answers: the instance patched yesterday, nothing missing."""
        yesterday = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        return _ssm_rules(self.instance, patched=yesterday, critical=0)
