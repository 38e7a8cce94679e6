"""On-prem inventory files (YAML, JSON, CSV)."""
