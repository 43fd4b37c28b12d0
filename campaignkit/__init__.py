"""Publishing kit for the 孙唐社区 safe-charging campaign.

The pipeline, one module per stage:

    load       read content/ (YAML with line numbers, Markdown pages)
    validate   check every item against schema.py, references and privacy rules
    model      turn valid documents into the public view (drafts, anonymity, consent)
    media      resize photos for phones (cached), strip metadata
    pages      render Markdown pages from templates/pages into a staging docs folder
    site       run MkDocs (Material) in strict mode on the staging folder
    handouts   render PDF handouts with WeasyPrint (parallel, cached)
    publish    swap the finished site into site/ atomically, under a lock
"""
