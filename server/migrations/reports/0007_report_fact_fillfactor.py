from tortoise import migrations
from tortoise.migrations import operations as ops


async def fillfactor(apps, schema_editor):
    """Facts rows are written in arrival order and then updated a few times (accepted,
    resolved, rated). Room left on each page lets PostgreSQL keep those updates on the
    same page (none of them touches an indexed column but the owner), so a period's rows
    stay together and a month of one street reads a few hundred pages, not one per row."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script("ALTER TABLE report_fact SET (fillfactor = 70);")


async def default_fillfactor(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script("ALTER TABLE report_fact RESET (fillfactor);")


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_report_fact")]

    initial = False

    operations = [ops.RunPython(fillfactor, default_fillfactor)]
