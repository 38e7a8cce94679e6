#!/bin/sh
# Regenerates the real plans under ../plans from the configurations in this folder:
#   s3_joins/ -> plans/s3_joins.json, roles/ -> plans/roles.json, network/ -> plans/network.json
# (s3_module.json and the root main.tf were written by hand.)
#
# Made with Terraform 1.11.4 and hashicorp/aws 5.100.0 from a local provider mirror
# (set TF_CLI_CONFIG_FILE to a CLI configuration whose provider_installation has a
# filesystem_mirror holding that provider), dummy credentials and no network: the
# AWS provider plans creations without calling AWS. roles/ checks allowed_account_ids
# and reads data.aws_caller_identity, so it is planned against a moto server on
# 127.0.0.1:47123 (moto_server -H 127.0.0.1 -p 47123), whose account is 123456789012.
set -e
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
for name in s3_joins roles network; do
    export TF_DATA_DIR="$work/$name/.terraform"
    (cd "$here/$name" &&
        terraform init -input=false -backend=false >/dev/null &&
        terraform plan -input=false -lock=false -out "$work/$name.tfplan" >/dev/null &&
        terraform show -json "$work/$name.tfplan" |
            python3 -m json.tool --indent 1 > "$here/../plans/$name.json" &&
        rm -f .terraform.lock.hcl)
done
rm -rf "$work"
