from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('reports', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=80)),
                ('prefix', fields.CharField(max_length=16)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='open311_keys', on_delete=OnDelete.RESTRICT)),
                ('rate_per_minute', fields.IntField(default=60)),
                ('created_by', fields.ForeignKeyField('core.Staff', source_field='created_by_id', db_constraint=True, to_field='id', related_name='open311_keys_issued', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_by_id', fields.IntField(null=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'open311_api_key', 'app': 'open311', 'pk_attr': 'id', 'table_description': "An Open311 client's key for filing requests."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.OneToOneField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='open311', on_delete=OnDelete.RESTRICT)),
                ('api_key', fields.ForeignKeyField('open311.ApiKey', source_field='api_key_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.RESTRICT)),
                ('token', fields.CharField(unique=True, max_length=40)),
                ('media_url', fields.CharField(null=True, max_length=1000)),
                ('address_id', fields.IntField(null=True)),
                ('attributes', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('contact', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'open311_request', 'app': 'open311', 'pk_attr': 'id', 'table_description': 'A report filed by an Open311 client.'},
            bases=['Model'],
        ),
    ]
