from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('reports', '0001_initial')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='WorkerLoad',
            options={'table': 'report_worker_load', 'app': 'reports', 'pk_attr': 'staff_id', 'table_description': "A staff member's open reports, weighted by priority. Its rows are what creates and"},
        ),
    ]
