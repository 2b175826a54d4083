"""Jurisdiction data: YAML with positions, the schema, state inheritance and lookup."""
