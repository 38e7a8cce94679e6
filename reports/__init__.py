"""mamori.reports package."""
