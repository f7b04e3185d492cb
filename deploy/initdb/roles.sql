-- Runs once, when the test environment's database is first created (as the owner, POSTGRES_USER, a superuser in
-- the postgres image). The application roles come first so the migrations reuse them; the API's login is neither
-- superuser nor owner and cannot bypass row-level security (deploy/README.md).
CREATE ROLE sos_app NOLOGIN NOBYPASSRLS;
CREATE ROLE sos_system NOLOGIN NOBYPASSRLS;
CREATE ROLE sos_api LOGIN PASSWORD 'app-test-only' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
GRANT sos_app, sos_system TO sos_api;
