from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# What the triggers copy from a report into its facts row. First acceptance and first
# resolution are kept once set, with the deadline that held at that moment.
SET = (
    "owner_id = NEW.owner_id, status = NEW.status, rating = NEW.rating, "
    "reopened = NEW.reopen_count, category_id = NEW.category_id, "
    "accept_due = CASE WHEN accepted_at IS NULL THEN NEW.accept_due ELSE accept_due END, "
    "accepted_at = COALESCE(accepted_at, NEW.accepted_at), "
    "resolve_due = CASE WHEN resolved_at IS NULL THEN NEW.resolve_due ELSE resolve_due END, "
    "resolved_at = COALESCE(resolved_at, NEW.resolved_at)"
)
COLUMNS = (
    "report_id, street_id, community_id, owner_id, category_id, status, created_at, "
    "accept_due, accepted_at, resolve_due, resolved_at, waited_minutes, reopened, rating"
)
VALUES = (
    "{p}id, {p}street_id, {p}community_id, {p}owner_id, {p}category_id, {p}status, "
    "{p}created_at, {p}accept_due, {p}accepted_at, {p}resolve_due, {p}resolved_at, 0, "
    "{p}reopen_count, {p}rating"
)
WATCHED = (
    "owner_id", "status", "rating", "reopen_count", "category_id",
    "accept_due", "accepted_at", "resolve_due", "resolved_at",
)  # fmt: skip


def _changed(distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in WATCHED)


async def fact_triggers(apps, schema_editor):
    """Every report written, by whatever code (or COPY), has its facts row kept in the same
    transaction; reports already there get theirs now."""
    client = schema_editor.client
    insert = f"INSERT INTO report_fact ({COLUMNS}) VALUES ({VALUES.format(p='NEW.')}) "
    insert += "ON CONFLICT (report_id) DO NOTHING"
    update = f"UPDATE report_fact SET {SET} WHERE report_id = NEW.id"
    if client.capabilities.dialect == "postgres":
        script = (
            "CREATE OR REPLACE FUNCTION report_fact_sync() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF TG_OP = 'INSERT' THEN {insert}; ELSE {update}; END IF; "
            "RETURN NULL; END $$;"
            "DROP TRIGGER IF EXISTS report_fact_insert ON report;"
            "CREATE TRIGGER report_fact_insert AFTER INSERT ON report FOR EACH ROW "
            "EXECUTE FUNCTION report_fact_sync();"
            "DROP TRIGGER IF EXISTS report_fact_update ON report;"
            "CREATE TRIGGER report_fact_update AFTER UPDATE ON report FOR EACH ROW "
            f"WHEN ({_changed('IS DISTINCT FROM')}) EXECUTE FUNCTION report_fact_sync();"
        )
    else:
        script = (
            "DROP TRIGGER IF EXISTS report_fact_insert;"
            "CREATE TRIGGER report_fact_insert AFTER INSERT ON report FOR EACH ROW "
            f"BEGIN {insert}; END;"
            "DROP TRIGGER IF EXISTS report_fact_update;"
            "CREATE TRIGGER report_fact_update AFTER UPDATE ON report FOR EACH ROW "
            f"WHEN {_changed('IS NOT')} BEGIN {update}; END;"
        )
    script += (
        f"INSERT INTO report_fact ({COLUMNS}) SELECT {VALUES.format(p='')} FROM report WHERE TRUE "
        # In arrival order, as the triggers write them: a period's rows then share pages.
        "ORDER BY created_at ON CONFLICT (report_id) DO NOTHING;"
    )
    await client.execute_script(script)


async def drop_fact_triggers(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        script = (
            "DROP TRIGGER IF EXISTS report_fact_insert ON report;"
            "DROP TRIGGER IF EXISTS report_fact_update ON report;"
            "DROP FUNCTION IF EXISTS report_fact_sync();"
        )
    else:
        script = "DROP TRIGGER IF EXISTS report_fact_insert;DROP TRIGGER IF EXISTS report_fact_update;"
    await client.execute_script(script)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("reports", "0005_withdrawn_follow_up_due")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ReportFact",
            fields=[
                ("report_id", fields.BigIntField(primary_key=True, generated=False, unique=True, db_index=True)),
                ("street_id", fields.IntField()),
                ("community_id", fields.IntField()),
                ("owner_id", fields.IntField(null=True)),
                ("category_id", fields.IntField()),
                ("status", fields.CharField(max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("accept_due", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("accepted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolve_due", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolved_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("accept_minutes", fields.IntField(null=True)),
                ("resolve_minutes", fields.IntField(null=True)),
                ("waited_minutes", fields.IntField(default=0)),
                ("reopened", fields.SmallIntField(default=0)),
                ("rating", fields.SmallIntField(null=True)),
            ],
            options={
                "table": "report_fact",
                "app": "reports",
                "indexes": [
                    Index(fields=["street_id", "created_at"]),
                    Index(fields=["community_id", "created_at"]),
                    Index(fields=["owner_id", "created_at"]),
                    Index(fields=["created_at"]),
                ],
                "pk_attr": "report_id",
                "table_description": (
                    "One row per report with what the 考核 figures count: first acceptance "
                    "and first"
                ),
            },
            bases=["Model"],
        ),
        ops.RunPython(fact_triggers, drop_fact_triggers),
    ]
