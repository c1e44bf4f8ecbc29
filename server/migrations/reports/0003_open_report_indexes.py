from tortoise import migrations
from tortoise.migrations import operations as ops

# The statuses of an open report, as server.domain.lifecycle.OPEN had them when this ran.
OPEN = "('accepted', 'dispatched', 'in_progress', 'reopened', 'resolved', 'submitted', 'waiting')"


async def open_report_indexes(apps, schema_editor):
    """Partial indexes over open reports only, in deadline order per community and per
    street: the triage queue reads open matters (about one report in eight) by deadline,
    and would otherwise step over years of closed ones to fill a page."""
    await schema_editor.client.execute_script(
        "CREATE INDEX IF NOT EXISTS report_open_community_due ON report "
        f"(community_id, due_at, id) WHERE status IN {OPEN};"
        "CREATE INDEX IF NOT EXISTS report_open_street_due ON report "
        f"(street_id, due_at, id) WHERE status IN {OPEN};"
    )


async def drop_open_report_indexes(apps, schema_editor):
    await schema_editor.client.execute_script(
        "DROP INDEX IF EXISTS report_open_community_due;"
        "DROP INDEX IF EXISTS report_open_street_due;"
    )


class Migration(migrations.Migration):
    dependencies = [('reports', '0002_worker_load_description')]

    initial = False

    operations = [
        ops.RunPython(open_report_indexes, drop_open_report_indexes),
    ]
