provider "aws" {
  region = "ap-northeast-1"
}

resource "aws_s3_account_public_access_block" "this" {
  block_public_acls   = true
  block_public_policy = true
}

module "storage" {
  source = "./modules/storage"
  env    = var.env
}
