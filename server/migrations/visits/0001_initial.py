from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.domain.visits import Channel, Outcome
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('reports', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='CustomGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='custom_groups', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=32)),
            ],
            options={'table': 'priority_group', 'app': 'visits', 'unique_together': (('community', 'code'),), 'pk_attr': 'id', 'table_description': 'A priority group a community defines beside the built-in ones.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HouseholdGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='priority_groups', on_delete=OnDelete.CASCADE)),
                ('community_id', fields.IntField()),
                ('code', fields.CharField(max_length=32)),
                ('derived', fields.BooleanField(default=False)),
            ],
            options={'table': 'household_group', 'app': 'visits', 'unique_together': (('household', 'code'),), 'indexes': [Index(fields=['community_id', 'code'])], 'pk_attr': 'id', 'table_description': "A household's membership of a priority group (derived rows come from birth years)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_index=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
                ('birth_year', fields.SmallIntField(null=True)),
                ('phone', fields.CharField(default='', max_length=24)),
                ('relation', fields.CharField(default='', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'household_member', 'app': 'visits', 'pk_attr': 'id', 'table_description': 'A person living in a household. Personal data: shown only inside the community.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Visit',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.RESTRICT)),
                ('community_id', fields.IntField()),
                ('worker', fields.ForeignKeyField('core.Staff', source_field='worker_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.RESTRICT)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('channel', fields.CharEnumField(description='door: door\nphone: phone\nvideo: video', enum_type=Channel, max_length=8)),
                ('outcome', fields.CharEnumField(description='met: met\nnot_home: not_home\nrefused: refused\nmoved_away: moved_away', enum_type=Outcome, max_length=12)),
                ('notes', fields.TextField(default='', unique=False)),
                ('needs', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('photos', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('version', fields.IntField(default=1)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'visit', 'app': 'visits', 'indexes': [Index(fields=['household_id', 'started_at']), Index(fields=['community_id', 'started_at']), Index(fields=['worker_id', 'started_at'])], 'pk_attr': 'id', 'table_description': 'One contact with a household. The id is made on the phone, so re-sending is safe.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VisitPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.OneToOneField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='visit_policy', on_delete=OnDelete.CASCADE)),
                ('cadences', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('default_days', fields.SmallIntField(default=365)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'visit_policy', 'app': 'visits', 'pk_attr': 'id', 'table_description': 'How often a community visits: days per priority group, and the default for all.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VisitReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('visit', fields.ForeignKeyField('visits.Visit', source_field='visit_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='visit_reports', on_delete=OnDelete.RESTRICT)),
                ('need', fields.CharField(max_length=32)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='visit_links', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'visit_report', 'app': 'visits', 'unique_together': (('visit', 'need'),), 'indexes': [Index(fields=['household_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A need found on a visit that became a report, owned by the worker who found it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VisitRevision',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('visit', fields.ForeignKeyField('visits.Visit', source_field='visit_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('content_hash', fields.CharField(max_length=64)),
                ('content', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('by_id', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'visit_revision', 'app': 'visits', 'unique_together': (('visit', 'version'),), 'pk_attr': 'id', 'table_description': 'Each stored version of a visit and the digest of the content that made it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VisitSchedule',
            fields=[
                ('household', fields.OneToOneField('core.Household', source_field='household_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='schedule', on_delete=OnDelete.CASCADE)),
                ('community_id', fields.IntField()),
                ('groups', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('cadence_days', fields.SmallIntField(default=365)),
                ('registered_on', fields.DateField()),
                ('last_met_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_due', fields.DateField()),
                ('moved_away', fields.BooleanField(default=False)),
            ],
            options={'table': 'visit_schedule', 'app': 'visits', 'indexes': [Index(fields=['community_id', 'next_due'])], 'pk_attr': 'household_id', 'table_description': 'One per household: its cadence and next due date, kept in step with every visit and'},
            bases=['Model'],
        ),
    ]
