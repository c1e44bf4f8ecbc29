from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.models.rota import LeaveKind, PostKind, RotaStatus, SwapStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Leave',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='rota_leave', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=LeaveKind.leave, description='leave: leave\nsick: sick\nunavailable: unavailable', enum_type=LeaveKind, max_length=16)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rota_leave', 'app': 'rota', 'indexes': [Index(fields=['staff_id', 'start_date'])], 'pk_attr': 'id', 'table_description': 'Days a worker cannot be rostered (leave, sickness, other absence), inclusive.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='rota_posts', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('kind', fields.CharEnumField(default=PostKind.desk, description='desk: desk\nfield: field\non_call: on_call', enum_type=PostKind, max_length=16)),
                ('hours', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('sort_order', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rota_post', 'app': 'rota', 'unique_together': (('community', 'code'),), 'pk_attr': 'id', 'table_description': 'A desk (or field or on-call duty) with opening hours and minimum staff per hour.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Certification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='rota_certifications', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('rota.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='certifications', on_delete=OnDelete.CASCADE)),
                ('certified_on', fields.DateField()),
                ('expires_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rota_certification', 'app': 'rota', 'unique_together': (('staff', 'post'),), 'pk_attr': 'id', 'table_description': 'A worker certified to serve at a post, from a date and possibly until one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rota',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='rotas', on_delete=OnDelete.RESTRICT)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('status', fields.CharEnumField(default=RotaStatus.draft, description='draft: draft\npublished: published\nsuperseded: superseded', enum_type=RotaStatus, max_length=16)),
                ('created_by', fields.ForeignKeyField('core.Staff', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='rotas_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_by', fields.ForeignKeyField('core.Staff', source_field='published_by_id', null=True, db_constraint=True, to_field='id', related_name='rotas_published', on_delete=OnDelete.SET_NULL)),
                ('solver_status', fields.CharField(default='', max_length=16)),
                ('objective', fields.IntField(null=True)),
                ('bound', fields.IntField(null=True)),
                ('solve_seconds', fields.FloatField(default=0)),
                ('explanation', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'rota', 'app': 'rota', 'indexes': [Index(fields=['community_id', 'status', 'start_date'])], 'pk_attr': 'id', 'table_description': 'The rota of one community for a period, draft until published.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RotaChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rota', fields.ForeignKeyField('rota.Rota', source_field='rota_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('kind', fields.CharField(max_length=16)),
                ('actor', fields.ForeignKeyField('core.Staff', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='rota_changes', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('removed', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('added', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'rota_change', 'app': 'rota', 'pk_attr': 'id', 'table_description': 'A recorded change to a rota after it was published (publish, swap, re-solve).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShiftTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='rota_shifts', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('start', fields.CharField(max_length=5)),
                ('end', fields.CharField(max_length=5)),
                ('break_minutes', fields.IntField(default=0)),
                ('weekdays', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'rota_shift_template', 'app': 'rota', 'unique_together': (('community', 'code'),), 'pk_attr': 'id', 'table_description': 'A block of working time (early, late, weekend) usable on the listed weekdays.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Assignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rota', fields.ForeignKeyField('rota.Rota', source_field='rota_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='rota_assignments', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('rota.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('shift', fields.ForeignKeyField('rota.ShiftTemplate', source_field='shift_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('trainee', fields.BooleanField(default=False)),
            ],
            options={'table': 'rota_assignment', 'app': 'rota', 'indexes': [Index(fields=['rota_id', 'day']), Index(fields=['starts_at', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'One worker at one post for one shift on one day, with its absolute span.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffAvailability',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.OneToOneField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='rota_availability', on_delete=OnDelete.CASCADE)),
                ('max_hours_week', fields.IntField(default=40)),
                ('avoid_weekdays', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('avoid_shift_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'rota_availability', 'app': 'rota', 'pk_attr': 'id', 'table_description': 'Contract hours and soft wishes of a worker for the rota.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SwapRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rota', fields.ForeignKeyField('rota.Rota', source_field='rota_id', db_constraint=True, to_field='id', related_name='swaps', on_delete=OnDelete.CASCADE)),
                ('requester', fields.ForeignKeyField('core.Staff', source_field='requester_id', db_constraint=True, to_field='id', related_name='swaps_requested', on_delete=OnDelete.CASCADE)),
                ('assignment', fields.ForeignKeyField('rota.Assignment', source_field='assignment_id', null=True, db_constraint=True, to_field='id', related_name='swaps_out', on_delete=OnDelete.SET_NULL)),
                ('counterpart', fields.ForeignKeyField('core.Staff', source_field='counterpart_id', db_constraint=True, to_field='id', related_name='swaps_offered', on_delete=OnDelete.CASCADE)),
                ('counter_assignment', fields.ForeignKeyField('rota.Assignment', source_field='counter_assignment_id', null=True, db_constraint=True, to_field='id', related_name='swaps_in', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(default=SwapStatus.pending, description='pending: pending\napproved: approved\ndenied: denied\ncancelled: cancelled', enum_type=SwapStatus, max_length=16)),
                ('decided_by', fields.ForeignKeyField('core.Staff', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='swaps_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rota_swap_request', 'app': 'rota', 'pk_attr': 'id', 'table_description': 'A worker asks to hand over or exchange a shift, and the secretary decides.'},
            bases=['Model'],
        ),
    ]
