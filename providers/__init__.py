"""Providers collect inventories and normalize them into mamori resources."""
