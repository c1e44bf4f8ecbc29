from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# The new status "withdrawn" needs no schema change: status is a 16-character text column.
# (An AlterField for its enum description would rebuild the table on SQLite and lose the
# triggers and partial indexes of 0003 and 0004, for a comment only.)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("reports", "0004_report_data_version")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Report",
            name="follow_up_due",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
