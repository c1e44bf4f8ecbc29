from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.guides import BodyKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('reports', '0004_report_data_version')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Guide',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=100)),
                ('keywords', fields.CharField(default='', max_length=200)),
                ('summary', fields.CharField(default='', max_length=300)),
                ('conditions', fields.TextField(default='', unique=False)),
                ('materials', fields.TextField(default='', unique=False)),
                ('steps', fields.TextField(default='', unique=False)),
                ('place_hours', fields.TextField(default='', unique=False)),
                ('fees', fields.CharField(default='', max_length=300)),
                ('legal_basis', fields.TextField(default='', unique=False)),
                ('department', fields.CharField(default='', max_length=64)),
                ('last_reviewed', fields.DateField()),
                ('published', fields.BooleanField(default=True)),
                ('length', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'service_guide', 'app': 'guides', 'pk_attr': 'id', 'table_description': 'A 办事指南: what a resident needs to know to get one thing done.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuideTerm',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guide', fields.ForeignKeyField('guides.Guide', source_field='guide_id', db_constraint=True, to_field='id', related_name='terms', on_delete=OnDelete.CASCADE)),
                ('term', fields.CharField(max_length=32)),
                ('tf', fields.IntField()),
            ],
            options={'table': 'service_guide_term', 'app': 'guides', 'unique_together': (('term', 'guide'),), 'pk_attr': 'id', 'table_description': "One term of a guide's search index with its weighted count (title terms count 3)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResponsibleBody',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('street', fields.ForeignKeyField('core.Street', source_field='street_id', db_constraint=True, to_field='id', related_name='responsible_bodies', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='property: property\ncommittee: committee\ndepartment: department', enum_type=BodyKind, max_length=16)),
                ('name', fields.CharField(max_length=64)),
                ('hotline', fields.CharField(default='', max_length=32)),
                ('department', fields.ForeignKeyField('core.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='bodies', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='bodies', on_delete=OnDelete.RESTRICT)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'responsible_body', 'app': 'guides', 'unique_together': (('street', 'name'),), 'pk_attr': 'id', 'table_description': 'A body that handles matters: a 物业 company, a 居委 or a department. Dispatching to'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StreetSegment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('street', fields.ForeignKeyField('core.Street', source_field='street_id', db_constraint=True, to_field='id', related_name='segments', on_delete=OnDelete.RESTRICT)),
                ('road', fields.CharField(max_length=32)),
                ('from_no', fields.IntField()),
                ('to_no', fields.IntField()),
            ],
            options={'table': 'street_segment', 'app': 'guides', 'unique_together': (('street', 'road', 'from_no'),), 'pk_attr': 'id', 'table_description': 'A stretch of one road inside a street, by house numbers (长宁路 1-199号).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Responsibility',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('street_id', fields.IntField()),
                ('category', fields.ForeignKeyField('reports.Category', source_field='category_id', db_constraint=True, to_field='id', related_name='responsibilities', on_delete=OnDelete.RESTRICT)),
                ('place_key', fields.CharField(max_length=32)),
                ('level', fields.SmallIntField()),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='responsibilities', on_delete=OnDelete.RESTRICT)),
                ('estate', fields.ForeignKeyField('core.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='responsibilities', on_delete=OnDelete.CASCADE)),
                ('building', fields.ForeignKeyField('core.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='responsibilities', on_delete=OnDelete.CASCADE)),
                ('segment', fields.ForeignKeyField('guides.StreetSegment', source_field='segment_id', null=True, db_constraint=True, to_field='id', related_name='responsibilities', on_delete=OnDelete.CASCADE)),
                ('body', fields.ForeignKeyField('guides.ResponsibleBody', source_field='body_id', db_constraint=True, to_field='id', related_name='responsibilities', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=200)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'responsibility', 'app': 'guides', 'unique_together': (('category', 'place_key'),), 'indexes': [Index(fields=['street_id', 'category_id'])], 'pk_attr': 'id', 'table_description': 'One line of the list: this category at this place is handled by this body.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResponsibilityCorrection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='responsibility_corrections', on_delete=OnDelete.CASCADE)),
                ('category', fields.ForeignKeyField('reports.Category', source_field='category_id', db_constraint=True, to_field='id', related_name='responsibility_corrections', on_delete=OnDelete.RESTRICT)),
                ('street_id', fields.IntField()),
                ('rule', fields.ForeignKeyField('guides.Responsibility', source_field='rule_id', null=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.SET_NULL)),
                ('suggested_body', fields.ForeignKeyField('guides.ResponsibleBody', source_field='suggested_body_id', null=True, db_constraint=True, to_field='id', related_name='corrected_away', on_delete=OnDelete.RESTRICT)),
                ('body', fields.ForeignKeyField('guides.ResponsibleBody', source_field='body_id', db_constraint=True, to_field='id', related_name='corrected_to', on_delete=OnDelete.RESTRICT)),
                ('staff', fields.ForeignKeyField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='responsibility_corrections', on_delete=OnDelete.RESTRICT)),
                ('note', fields.CharField(default='', max_length=200)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'responsibility_correction', 'app': 'guides', 'indexes': [Index(fields=['report_id', 'at']), Index(fields=['category_id', 'at'])], 'pk_attr': 'id', 'table_description': 'Staff saying the suggested body was wrong for a report, and which body it is.'},
            bases=['Model'],
        ),
    ]
