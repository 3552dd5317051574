"""Who the caller is and what they may see: principals, the access policy, masking, OAuth2."""
