"""Webhooks to partner systems: an outbox in Neo4j, signed deliveries (docs/linkage.md)."""
