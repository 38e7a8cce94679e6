"""What ships to pipelines: the gate policy (thresholds, exit codes) and CI templates."""
