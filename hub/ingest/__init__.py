"""Ingestion: the validation and batch pipeline behind the mutations (DESIGN.md section 5)."""
