from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('visits', '0001_initial')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Member',
            name='household',
            field=fields.ForeignKeyField('core.Household', source_field='household_id', db_index=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterModelOptions(
            name='VisitSchedule',
            options={'table': 'visit_schedule', 'app': 'visits', 'indexes': [Index(fields=['community_id', 'next_due'])], 'pk_attr': 'household_id', 'table_description': 'One per household: its cadence and next due date, kept in step with every visit and'},
        ),
    ]
