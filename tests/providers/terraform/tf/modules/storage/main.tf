variable "env" {}

resource "aws_s3_bucket" "this" {
  count  = 1
  bucket = "acme-${var.env}-exports"
  tags   = { env = var.env, data_classes = "personal" }
}

data "aws_iam_policy_document" "this" {
  count = 1
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = 1
  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.this[0].json
}
