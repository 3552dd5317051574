"""The audit trail (docs/architecture.md): one hash-chained, signed entry per request.

Why the log lives in Neo4j: it is the one durable store the hub already runs (with its backups,
its cluster and its transactions), and the hub's replicas share nothing else. A second store
would be one more thing to run, secure and keep consistent with the answers it vouches for. One
`(:AuditHead)` node per chain, whose write lock every append takes, serialises appends from every
process and replica, so the sequence is contiguous without any coordination outside the database.
The audit labels have no entry in the access policy, so the graph API never reaches them.

Modules: entry (fields and canonical hash), trail (what a request collects while it runs),
extension (GraphQL's part), drafts and middleware (HTTP's part, fail closed), writer (group
commit), signing (the log's Ed25519 key), repo (every Cypher statement), verify and cli.
"""
