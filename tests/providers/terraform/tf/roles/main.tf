# IAM roles: admin rights by every attachment path, trust inside and outside the account.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "ap-northeast-1"
  allowed_account_ids         = ["123456789012"]
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  # The plan was made against a moto server (see ../regenerate.sh): the account id
  # check needs an STS answer.
  endpoints {
    sts = "http://127.0.0.1:47123"
    iam = "http://127.0.0.1:47123"
  }
}

data "aws_caller_identity" "current" {}

locals {
  ec2_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  star = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role" "managed_admin" {
  name                = "managed-admin"
  assume_role_policy  = local.ec2_trust
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_iam_role" "attached_admin" {
  name               = "attached-admin"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_policy" "everything" {
  name   = "everything"
  policy = local.star
}

resource "aws_iam_role_policy_attachment" "attached_admin" {
  role       = aws_iam_role.attached_admin.name
  policy_arn = aws_iam_policy.everything.arn
}

resource "aws_iam_role" "inline_admin" {
  name               = "inline-admin"
  assume_role_policy = local.ec2_trust
  inline_policy {
    name   = "all"
    policy = local.star
  }
}

resource "aws_iam_role" "role_policy_admin" {
  name               = "role-policy-admin"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role_policy" "role_policy_admin" {
  name   = "all"
  role   = aws_iam_role.role_policy_admin.id
  policy = local.star
}

resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role_policy_attachment" "reader" {
  role       = aws_iam_role.reader.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role" "partner_open" {
  name = "partner-open"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { AWS = "arn:aws:iam::999999999999:root" } }]
  })
}

resource "aws_iam_role" "partner_external_id" {
  name = "partner-external-id"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
      Principal = { AWS = "arn:aws:iam::999999999999:root" },
    Condition = { StringEquals = { "sts:ExternalId" = "acme-7f3a" } } }]
  })
}

resource "aws_iam_role" "anyone" {
  name = "anyone"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }]
  })
}

resource "aws_iam_role" "own_account" {
  name = "own-account"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { AWS = "arn:aws:iam::123456789012:root" } }]
  })
}
