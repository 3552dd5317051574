"""What a caller may see and do, as data: principals and scopes, the read policy (derived from
the catalog: which types, which fields in full or through which mask, which row scopes), the
write grants, and who may call each root field. The Cypher of masks and row scopes is written
by the compiler (hub/resolvers/masks.py) and the graph-access package (hub/graph/row_scopes.py)."""
