"""Publishing kit for the 孙唐社区 safe-charging campaign.

Three declarations everything reads:

    registry   the content kinds (folder, schema, URL, templates, search/feed/sitemap)
    schema     the fields of each kind (JSON Schema with Chinese descriptions)
    enums      the enumerated values (what editors write, slug, marks, labels)

The pipeline (pipeline.py), one module per stage:

    load       read content/ (YAML with line numbers, Markdown pages)
    validate   check every item against its schema, references and privacy rules
    model      the public view (drafts, anonymity, consent), photos resized by media
    outputs    pipeline.OUTPUTS: photos, handouts, pages, share card, MkDocs (site),
               feed, search index, redirects — each with its audit rules
    audit      safety.py checks the finished tree with every output's rules
    publish    swap the finished site into site/ atomically, under a lock

See docs/architecture.md.
"""
