"""The hub: one GraphQL API over one Neo4j graph, shared by five departments."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hub")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
