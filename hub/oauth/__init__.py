"""Who the caller is: the OAuth2 authorization server, its grants and endpoints, tokens and keys,
the sign-in pages, and the registry of clients and people."""
