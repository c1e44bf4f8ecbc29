from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from server.domain.lifecycle import Status


class StateOnlyAlterField(ops.AlterField):
    """The new status "withdrawn" changes only the enum's description: status is a
    16-character text column either way. A real AlterField would rebuild the table on
    SQLite and lose the triggers and partial indexes of 0003 and 0004, for a comment."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        return None


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("reports", "0004_report_data_version")]

    initial = False

    operations = [
        StateOnlyAlterField(
            model_name="Report",
            name="status",
            field=fields.CharEnumField(
                default=Status.submitted,
                description="\n".join(f"{s.value}: {s.value}" for s in Status),
                enum_type=Status,
                max_length=16,
            ),
        ),
        ops.AddField(
            model_name="Report",
            name="follow_up_due",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
