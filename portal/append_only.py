"""PostgreSQL triggers that make an audit table append-only (used by migrations).

UPDATE is always refused; DELETE is refused, except -- when `retention_days` is given -- for rows
whose `at` is older than that (the purge task). TRUNCATE (the test runner's flush) is not a row
operation and stays possible for the database owner.
"""

from __future__ import annotations

from django.db import migrations


def _sql(table: str, retention_days: int | None) -> tuple[str, str]:
    function = f"{table}_append_only"
    if retention_days is None:
        delete_rule = "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;"
    else:
        delete_rule = (
            f"IF OLD.at < now() - interval '{int(retention_days)} days' THEN RETURN OLD; END IF; "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;"
        )
    forward = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
  END IF;
  {delete_rule}
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {function} ON {table};
CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    backward = (
        f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    )
    return forward, backward


def operation(table: str, *, retention_days: int | None = None):
    """A migration operation installing the trigger on PostgreSQL (nothing on SQLite)."""
    forward, backward = _sql(table, retention_days)

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forward, params=None)

    def revert(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(backward, params=None)

    return migrations.RunPython(apply, revert)
