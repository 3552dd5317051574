"""What a caller may see and do: principals and scopes, the read policy (derived from the
catalog), the write grants, masks, and who may call each root field."""
