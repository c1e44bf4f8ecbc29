from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Each table a triage queue page reads, and how a row of it names its community. ROW
# stands for NEW or OLD.
SOURCES = {
    "report": "ROW.community_id",
    "report_dispatch_leg": "(SELECT community_id FROM report WHERE id = ROW.report_id)",
}


def _bump(exprs: list[str]) -> str:
    """One statement raising the version of every community the expressions name."""
    values = " UNION ".join(f"SELECT {e} AS c" for e in exprs)
    return (
        "INSERT INTO report_data_version (community_id, version) "
        f"SELECT c, 1 FROM ({values}) AS touched WHERE c IS NOT NULL "
        "ON CONFLICT (community_id) DO UPDATE SET version = report_data_version.version + 1"
    )


def _rows(table: str, op: str) -> list[str]:
    old, new = SOURCES[table].replace("ROW.", "OLD."), SOURCES[table].replace("ROW.", "NEW.")
    return {"INSERT": [new], "DELETE": [old], "UPDATE": [old, new]}[op]


async def version_triggers(apps, schema_editor):
    """Every insert, update or delete of a report or a dispatch leg raises its community's
    version in the same transaction, whatever code (or hand) wrote it: the queue pages kept
    in memory compare against it and can never be served stale."""
    client = schema_editor.client
    script = []
    if client.capabilities.dialect == "postgres":
        for table in SOURCES:
            body = "".join(
                f"IF TG_OP = '{op}' THEN {_bump(_rows(table, op))}; END IF; "
                for op in ("INSERT", "UPDATE", "DELETE")
            )
            script.append(
                f"CREATE OR REPLACE FUNCTION report_data_{table}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {body}RETURN NULL; END $$;"
                f"DROP TRIGGER IF EXISTS report_data_{table} ON {table};"
                f"CREATE TRIGGER report_data_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION report_data_{table}();"
            )
    else:
        for table in SOURCES:
            for op in ("INSERT", "UPDATE", "DELETE"):
                name = f"report_data_{table}_{op.lower()}"
                script.append(
                    f"DROP TRIGGER IF EXISTS {name};"
                    f"CREATE TRIGGER {name} AFTER {op} ON {table} FOR EACH ROW "
                    f"BEGIN {_bump(_rows(table, op))}; END;"
                )
    await client.execute_script("".join(script))


async def drop_version_triggers(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        script = "".join(
            f"DROP TRIGGER IF EXISTS report_data_{t} ON {t};"
            f"DROP FUNCTION IF EXISTS report_data_{t}();"
            for t in SOURCES
        )
    else:
        script = "".join(
            f"DROP TRIGGER IF EXISTS report_data_{t}_{op};"
            for t in SOURCES
            for op in ("insert", "update", "delete")
        )
    await client.execute_script(script)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("reports", "0003_open_report_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ReportDataVersion",
            fields=[
                (
                    "community_id",
                    fields.IntField(primary_key=True, generated=False, unique=True, db_index=True),
                ),
                ("version", fields.BigIntField(default=0)),
            ],
            options={
                "table": "report_data_version",
                "app": "reports",
                "pk_attr": "community_id",
                "table_description": (
                    "A counter per community, raised by triggers whenever its reports or legs "
                    "change."
                ),
            },
            bases=["Model"],
        ),
        ops.RunPython(version_triggers, drop_version_triggers),
    ]
