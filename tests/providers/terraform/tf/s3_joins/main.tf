# Buckets made in modules, with policies, ACLs and settings attached from elsewhere.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "ap-northeast-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

module "site" {
  source = "./modules/bucket"
  name   = "acme-site"
}

module "many" {
  source   = "./modules/bucket"
  for_each = toset(["a", "b"])
  name     = "acme-many-${each.key}"
}

module "logs" {
  source = "./modules/bucket"
  name   = "acme-logs"
}

module "versioned" {
  source    = "./modules/versioned"
  bucket_id = module.site.bucket_id
}

# Public policy attached to a bucket made in another module.
resource "aws_s3_bucket_policy" "site" {
  bucket = module.site.bucket_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",
    Resource = "arn:aws:s3:::acme-site/*" }]
  })
}

resource "aws_s3_bucket_acl" "many_a" {
  bucket = module.many["a"].bucket_id
  acl    = "public-read"
}

resource "aws_s3_bucket_logging" "site" {
  bucket        = module.site.bucket_id
  target_bucket = module.logs.bucket_id
  target_prefix = "site/"
}

# A split ACL that keeps the bucket private.
resource "aws_s3_bucket" "private" {
  bucket = "acme-private"
}

resource "aws_s3_bucket_acl" "private" {
  bucket = aws_s3_bucket.private.id
  acl    = "private"
}

# An explicit ACL granting only the owner.
resource "aws_s3_bucket" "owner_only" {
  bucket = "acme-owner-only"
}

resource "aws_s3_bucket_acl" "owner_only" {
  bucket = aws_s3_bucket.owner_only.id
  access_control_policy {
    grant {
      grantee {
        id   = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
        type = "CanonicalUser"
      }
      permission = "FULL_CONTROL"
    }
    owner {
      id = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    }
  }
}

# Encryption: a customer key from this plan, the AWS-managed key, SSE-S3.
resource "aws_kms_key" "data" {
  description = "bucket data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "many_b" {
  bucket = module.many["b"].bucket_id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "private" {
  bucket = aws_s3_bucket.private.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "owner_only" {
  bucket = aws_s3_bucket.owner_only.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Deprecated inline arguments: SSE-KMS with the plan's key, logging to a plan bucket.
resource "aws_s3_bucket" "inline" {
  bucket = "acme-inline"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.data.arn
      }
    }
  }
  logging {
    target_bucket = module.logs.bucket_id
    target_prefix = "inline/"
  }
}

# Principal "*" pinned the way AWS's "meaning of public" accepts, and not.
resource "aws_s3_bucket" "vpce" {
  bucket = "acme-vpce"
}

resource "aws_s3_bucket_policy" "vpce" {
  bucket = aws_s3_bucket.vpce.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "s3:GetObject",
      Resource  = "arn:aws:s3:::acme-vpce/*",
    Condition = { StringEquals = { "aws:SourceVpce" = "vpce-1a2b3c4d" } } }]
  })
}

resource "aws_s3_bucket" "half_internet" {
  bucket = "acme-half-internet"
}

resource "aws_s3_bucket_policy" "half_internet" {
  bucket = aws_s3_bucket.half_internet.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",
      Resource  = "arn:aws:s3:::acme-half-internet/*",
    Condition = { IpAddress = { "aws:SourceIp" = ["0.0.0.0/1", "128.0.0.0/1"] } } }]
  })
}

resource "aws_s3_bucket" "tls_only" {
  bucket = "acme-tls-only"
}

resource "aws_s3_bucket_policy" "tls_only" {
  bucket = aws_s3_bucket.tls_only.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",
      Resource  = "arn:aws:s3:::acme-tls-only/*",
    Condition = { Bool = { "aws:SecureTransport" = "true" } } }]
  })
}
