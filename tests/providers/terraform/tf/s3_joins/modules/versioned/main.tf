variable "bucket_id" {}

resource "aws_s3_bucket_versioning" "this" {
  bucket = var.bucket_id
  versioning_configuration {
    status = "Enabled"
  }
}
