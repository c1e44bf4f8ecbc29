from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('reports', '0002_worker_load_description'), ('visits', '0001_initial')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='VisitSchedule',
            options={'table': 'visit_schedule', 'app': 'visits', 'indexes': [Index(fields=['community_id', 'next_due'])], 'pk_attr': 'household_id', 'table_description': 'One per household: its cadence and next due date, kept in step with its visits.'},
        ),
    ]
