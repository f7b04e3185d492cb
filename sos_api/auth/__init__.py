"""Authentication (tokens), who the caller is (roles) and what they may do (policy)."""
