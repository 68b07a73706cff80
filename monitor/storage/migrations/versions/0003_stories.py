"""Story clusters: stories, article fingerprints, LSH band keys, outlet paragraph counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


FK_SQL = "CONSTRAINT fk_articles_story_id_stories REFERENCES stories (id)"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_article_id', sa.Integer(), nullable=False),
    sa.Column('first_outlet_id', sa.Integer(), nullable=False),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['first_outlet_id'], ['outlets.id'],
                            name=op.f('fk_stories_first_outlet_id_outlets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stories'))
    )
    # Not batch mode: copying `articles` on SQLite would drop the table flags and copies
    # refer to, which foreign keys forbid; SQLite adds a nullable referencing column in place.
    if _sqlite():
        op.execute(f"ALTER TABLE articles ADD COLUMN story_id INTEGER {FK_SQL}")
    else:
        op.add_column('articles', sa.Column('story_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_articles_story_id_stories'), 'articles', 'stories',
                              ['story_id'], ['id'])
    op.add_column('articles', sa.Column('minhash', sa.LargeBinary(), nullable=True))
    op.add_column('articles', sa.Column('minhash_shingles', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_articles_story_id'), 'articles', ['story_id'], unique=False)
    op.create_table('story_signatures',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('band_key', sa.String(length=32), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'],
                            name=op.f('fk_story_signatures_article_id_articles')),
    sa.PrimaryKeyConstraint('article_id', 'band_key', name=op.f('pk_story_signatures'))
    )
    op.create_index('ix_story_signatures_band_key_published_at', 'story_signatures',
                    ['band_key', 'published_at'], unique=False)
    op.create_table('outlet_paragraphs',
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_key', sa.String(length=16), nullable=False),
    sa.Column('article_count', sa.Integer(), nullable=False),
    sa.Column('first_article_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_article_id'], ['articles.id'],
                            name=op.f('fk_outlet_paragraphs_first_article_id_articles')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'],
                            name=op.f('fk_outlet_paragraphs_outlet_id_outlets')),
    sa.PrimaryKeyConstraint('outlet_id', 'paragraph_key', name=op.f('pk_outlet_paragraphs'))
    )


def downgrade() -> None:
    op.drop_table('outlet_paragraphs')
    op.drop_index('ix_story_signatures_band_key_published_at', table_name='story_signatures')
    op.drop_table('story_signatures')
    op.drop_index(op.f('ix_articles_story_id'), table_name='articles')
    if _sqlite():
        # SQLite will not drop a column a foreign key is declared on, nor drop the key alone;
        # removing a FOREIGN KEY clause from the stored schema is SQLite's documented way
        # (sqlite.org/lang_altertable.html, "making other kinds of table schema changes").
        bind = op.get_bind()
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, '') "
            "WHERE type = 'table' AND name = 'articles'", (" " + FK_SQL,))
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    else:
        op.drop_constraint(op.f('fk_articles_story_id_stories'), 'articles', type_='foreignkey')
    op.drop_column('articles', 'minhash_shingles')
    op.drop_column('articles', 'minhash')
    op.drop_column('articles', 'story_id')
    op.drop_table('stories')
