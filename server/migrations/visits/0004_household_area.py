from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('reports', '0004_report_data_version'), ('visits', '0003_visit_data_version')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HouseholdArea',
            fields=[
                ('household', fields.OneToOneField('core.Household', source_field='household_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='area', on_delete=OnDelete.CASCADE)),
                ('area', fields.DecimalField(max_digits=9, decimal_places=2)),
                ('source', fields.CharField(default='', max_length=32)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'household_area', 'app': 'visits', 'pk_attr': 'household_id', 'table_description': "The floor area of a household's own flat (专有部分面积), from the registry or the"},
            bases=['Model'],
        ),
    ]
