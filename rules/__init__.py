"""mamori.rules package."""
