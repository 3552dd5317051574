"""Graph access: the driver, unit-of-work helpers, migrations and (per domain) repositories."""
