# Security group rules in every form the AWS provider takes them.
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

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-0a1b2c3d"

  ingress {
    description = "https"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description = "ping (type 8, any code)"
    protocol    = "icmp"
    from_port   = 8
    to_port     = -1
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description      = "everything from the office"
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["203.0.113.0/24"]
    ipv6_cidr_blocks = ["2001:db8::/32"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  protocol          = "6"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-0a1b2c3d"
}

resource "aws_security_group_rule" "dns" {
  type              = "ingress"
  protocol          = "udp"
  from_port         = 53
  to_port           = 53
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = "sg-0a1b2c3d"
}

resource "aws_vpc_security_group_ingress_rule" "all" {
  security_group_id = "sg-0a1b2c3d"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "rdp" {
  security_group_id = "sg-0a1b2c3d"
  ip_protocol       = "tcp"
  from_port         = 3389
  to_port           = 3389
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "icmpv6" {
  security_group_id = "sg-0a1b2c3d"
  ip_protocol       = "icmpv6"
  from_port         = 128
  to_port           = 0
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_egress_rule" "db" {
  security_group_id = "sg-0a1b2c3d"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5433
  cidr_ipv4         = "10.0.0.0/16"
}
