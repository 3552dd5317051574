"""Ingestion: the validation and batch pipeline behind the mutations (docs/architecture.md)."""
