"""The parts of the AWS test estate added for issue 12, set up through the real APIs.

Each function documents what it creates and what AWS's documentation says the provider
must then report; the tests compare against these expectations, never against output.
"""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "123456789012"


def doc(*statements: dict[str, Any]) -> str:
    """A policy document."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def deny_insecure(bucket: str, actions: Any = "s3:*") -> dict[str, Any]:
    """AWS's recommended statement: deny every request made without TLS.

    ``{"AWS": "*"}`` rather than ``"*"`` (the same to AWS): moto's PutBucketLogging reads
    the target bucket's policy and fails on a principal that is not a mapping.
    """
    return {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": actions,
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def deny_old_tls(bucket: str, version: str) -> dict[str, Any]:
    """Deny TLS below ``version`` (S3 User Guide: s3:TlsVersion)."""
    return {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"NumericLessThan": {"s3:TlsVersion": version}}}


ALL_FOUR = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True}


def log_delivery(bucket: str) -> dict[str, Any]:
    """What a log bucket with ACLs disabled grants the S3 logging service (S3 User Guide)."""
    return {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": ["s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/*"}


def hardened_bucket(s3: Any, name: str, key_id: str | None = None,
                    *extra: dict[str, Any]) -> None:
    """ACLs disabled, bucket-level block on, TLS 1.3 only, versioned, SSE-KMS if a key;
    ``extra`` statements join the policy."""
    s3.create_bucket(Bucket=name)
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_FOUR)
    s3.put_bucket_policy(Bucket=name, Policy=doc(deny_insecure(name), deny_old_tls(name, "1.3"),
                                                 *extra))
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if key_id:
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                    "KMSMasterKeyID": key_id}}]})


def more_buckets(s3: Any) -> None:
    """Main account (its account block ignores public ACLs, leaves policies in force).

    - ``hardened``: acl_enabled false, public_access_block true, tls_required true,
      min_tls_version 1.3, public and public_write false;
    - ``public-write-policy``: Allow * s3:PutObject → public_write true (and public);
    - ``acl-write-blocked``: READ and WRITE granted to AllUsers, made inert by
      IgnorePublicAcls → public and public_write false, the grants listed as blocked;
    - ``tls-partial``: denies plain HTTP for GetObject only → tls_required false, and
      the ownership controls allow ACLs (BucketOwnerPreferred) → acl_enabled true.
    """
    hardened_bucket(s3, "hardened")
    s3.create_bucket(Bucket="public-write-policy")
    s3.put_bucket_policy(Bucket="public-write-policy", Policy=doc(
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:PutObject"],
         "Resource": "arn:aws:s3:::public-write-policy/*"}))
    s3.create_bucket(Bucket="acl-write-blocked")
    # Explicit grants: moto's canned "public-read-write" shows only the READ grant.
    everyone = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'
    s3.put_bucket_acl(Bucket="acl-write-blocked", GrantRead=everyone, GrantWrite=everyone)
    s3.create_bucket(Bucket="tls-partial")
    s3.put_bucket_policy(Bucket="tls-partial", Policy=doc(deny_insecure("tls-partial",
                                                                        "s3:GetObject")))
    s3.put_bucket_ownership_controls(Bucket="tls-partial", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})


def other_account_buckets(s3: Any) -> None:
    """Account 2 (no account block): ``acct2-acl-disabled`` has a public-read ACL but
    BucketOwnerEnforced, so ACLs do not count: public false, the grant blocked."""
    s3.create_bucket(Bucket="acct2-acl-disabled")
    s3.put_bucket_acl(Bucket="acct2-acl-disabled", ACL="public-read")
    s3.put_bucket_ownership_controls(Bucket="acct2-acl-disabled", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})


def policies(iam: Any) -> None:
    """Customer-managed policies besides ``everything`` (admin, attached in conftest):
    ``unused-admin`` (Action * on *, attached nowhere), ``s3-reader`` (not admin)."""
    iam.create_policy(PolicyName="unused-admin", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"}))
    iam.create_policy(PolicyName="s3-reader", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}))


def two_keys(iam: Any) -> list[str]:
    """``two-keys`` has two active access keys (MAM-IAM-013 allows one); returns the
    secrets so that the tests can check none reaches any output."""
    iam.create_user(UserName="two-keys")
    return [iam.create_access_key(UserName="two-keys")["AccessKey"]["SecretAccessKey"]
            for _ in range(2)]


def tag_users(iam: Any) -> None:
    """``console-mfa`` carries the HR join tags; the others carry none."""
    iam.tag_user(UserName="console-mfa", Tags=[
        {"Key": "mamori:email", "Value": "Hanako.Sato@example.co.jp"},
        {"Key": "mamori:employee-id", "Value": "E-1001"}])


def data_events(cloudtrail: Any, trail: str) -> None:
    """The multi-region trail logs S3 data events (reads and writes) of every bucket."""
    cloudtrail.put_event_selectors(TrailName=trail, AdvancedEventSelectors=[
        {"Name": "all S3 data", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}])


def db_network(ec2: Any, cidr: str = "10.20.0.0/16") -> dict[str, str]:
    """A VPC with a public subnet pair (0.0.0.0/0 → internet gateway), a private pair
    (local route only), an SG open to the internet on 5432 and one open to 10/8 only."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")[:2]
    subnets = {name: ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{n}.0/24",
                                       AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for n, (name, zone) in enumerate((("public-a", "us-east-1a"),
                                                 ("public-b", "us-east-1b"),
                                                 ("private-a", "us-east-1a"),
                                                 ("private-b", "us-east-1b")), start=1)}
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    for name in ("public-a", "public-b"):
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[name])
    ids = {"vpc": vpc, **subnets}
    for name, cidr_from in (("db-open", "0.0.0.0/0"), ("db-internal", "10.0.0.0/8")):
        group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
             "IpRanges": [{"CidrIp": cidr_from}]}])
        ids[name] = group
    return ids


def subnet_groups(rds: Any, net: dict[str, str], prefix: str = "") -> None:
    """``<prefix>public-subnets`` and ``<prefix>private-subnets`` DB subnet groups."""
    for kind in ("public", "private"):
        rds.create_db_subnet_group(DBSubnetGroupName=f"{prefix}{kind}-subnets",
                                   DBSubnetGroupDescription=kind,
                                   SubnetIds=[net[f"{kind}-a"], net[f"{kind}-b"]])


def reachability_databases(rds: Any, net: dict[str, str]) -> None:
    """PubliclyAccessible true on three instances, reachable only when all three parts are:

    - ``exposed-private-subnet``: open SG, subnets without an internet route → public false;
    - ``exposed-closed-sg``: public subnets, SG admitting 10/8 only → public false.
    (``public-db`` in conftest: public subnets and the open SG → public true.)
    """
    common = {"Engine": "postgres", "DBInstanceClass": "db.t3.micro",
              "MasterUsername": "appadmin", "MasterUserPassword": "not-a-real-pw-4",
              "AllocatedStorage": 20, "PubliclyAccessible": True}
    rds.create_db_instance(DBInstanceIdentifier="exposed-private-subnet",
                           DBSubnetGroupName="private-subnets",
                           VpcSecurityGroupIds=[net["db-open"]], **common)
    rds.create_db_instance(DBInstanceIdentifier="exposed-closed-sg",
                           DBSubnetGroupName="public-subnets",
                           VpcSecurityGroupIds=[net["db-internal"]], **common)


def tls_database(rds: Any, key_arn: str, name: str = "tls-db", **extra: Any) -> None:
    """PostgreSQL 16 with rds.force_ssl=1, 7 days of backups, storage under a customer
    key: tls_required, backups_enabled and customer_managed_key all true."""
    group = f"{name}-params"
    rds.create_db_parameter_group(DBParameterGroupName=group,
                                  DBParameterGroupFamily="postgres16", Description="tls")
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", EngineVersion="16.3",
                           DBInstanceClass="db.t3.micro", MasterUsername="appowner",
                           MasterUserPassword="not-a-real-pw-5", AllocatedStorage=20,
                           StorageEncrypted=True, KmsKeyId=key_arn, BackupRetentionPeriod=7,
                           DBParameterGroupName=group, **{"PubliclyAccessible": False, **extra})
