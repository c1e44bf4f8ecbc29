from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('core', '0002_session_revocation'), ('reports', '0006_report_fact'), ('visits', '0004_household_area')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='HouseholdArea',
            options={'table': 'household_area', 'app': 'visits', 'pk_attr': 'household_id', 'table_description': "The floor area of a household's own flat (专有部分面积), from the registry or the"},
        ),
    ]
