"""Initial schema: outlets, articles, article copies, narrative flags, crawl runs.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outlets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('homepage', sa.String(length=500), nullable=False),
    sa.Column('languages', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlets')),
    sa.UniqueConstraint('key', name=op.f('uq_outlets_key'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('canonical_url', sa.String(length=1000), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=300), nullable=True),
    sa.Column('site_name', sa.String(length=300), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('raw_html_gz', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_articles_outlet_id_outlets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('canonical_url', name=op.f('uq_articles_canonical_url'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index('ix_articles_first_seen_at', ['first_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pages_fetched', sa.Integer(), nullable=False),
    sa.Column('articles_found', sa.Integer(), nullable=False),
    sa.Column('articles_new', sa.Integer(), nullable=False),
    sa.Column('articles_duplicate', sa.Integer(), nullable=False),
    sa.Column('extraction_failures', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('finish_reason', sa.String(length=100), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_crawl_runs_outlet_id_outlets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.create_index('ix_crawl_runs_outlet_id_started_at', ['outlet_id', 'started_at'], unique=False)

    op.create_table('article_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('canonical_url', sa.String(length=1000), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_copies_article_id_articles')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_article_copies_outlet_id_outlets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_copies')),
    sa.UniqueConstraint('canonical_url', name=op.f('uq_article_copies_canonical_url'))
    )
    with op.batch_alter_table('article_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_copies_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_copies_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('narrative_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('narrative_id', sa.String(length=100), nullable=False),
    sa.Column('stance', sa.String(length=16), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('matched_terms', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('branch', sa.Text(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_narrative_flags_article_id_articles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_narrative_flags')),
    sa.UniqueConstraint('article_id', 'narrative_id', name=op.f('uq_narrative_flags_article_id_narrative_id'))
    )
    with op.batch_alter_table('narrative_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_narrative_flags_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_narrative_flags_narrative_id'), ['narrative_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('narrative_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_narrative_flags_narrative_id'))
        batch_op.drop_index(batch_op.f('ix_narrative_flags_article_id'))

    op.drop_table('narrative_flags')
    with op.batch_alter_table('article_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_copies_outlet_id'))
        batch_op.drop_index(batch_op.f('ix_article_copies_article_id'))

    op.drop_table('article_copies')
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_crawl_runs_outlet_id_started_at')

    op.drop_table('crawl_runs')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_outlet_id'))
        batch_op.drop_index('ix_articles_first_seen_at')
        batch_op.drop_index(batch_op.f('ix_articles_content_hash'))

    op.drop_table('articles')
    op.drop_table('outlets')
