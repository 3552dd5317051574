"""`/console`: GraphiQL for agency developers, served by the hub from npm (no CDN)."""
