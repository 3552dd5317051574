"""What `make bench` measures besides the hub: the bare HTTP ceiling, raw Cypher, the peer."""
