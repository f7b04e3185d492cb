"""sos_api: the Signs of Safety casework API (Litestar on PostgreSQL)."""
