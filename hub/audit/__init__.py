"""The audit trail (DESIGN.md section 5): one hash-chained, signed entry per request."""
