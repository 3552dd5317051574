"""The whistleblower channel's own pieces: claim codes, number masking, keys and throttles.

The GraphQL shape is hub/schema/whistleblowing.py, what the fields do hub/resolvers/tips.py and
rewards.py, every statement hub/graph/tips_repo.py; docs/whistleblowing.md tells the whole.
"""
