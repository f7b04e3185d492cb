"""Storage: engine, tables, migrations and the embedded PostgreSQL."""
