"""Publishing kit for the 孙唐社区 safe-charging campaign.

The subpackages are the pipeline's layers; each imports only those listed after it
(`lint-imports` enforces this):

    commandline  build.py's commands, in Chinese
    editing      the clerks' tools: preview, forms, workbooks, new files
    build        one build: the stages and the declared OUTPUTS, incremental rebuilds, publishing
    website      the public site (MkDocs behind website/engine.py)
    wechat       the 公众号 articles
    handouts     printable PDFs (WeasyPrint)
    render       what every output shares: Jinja, remembered renders, charts, QR codes, the audit
    view         the public view of the campaign
    checks       what content must satisfy
    content      content and its declarations: kinds, fields, enumerated values, loading
    common       infrastructure that knows nothing of the campaign

See docs/architecture.md.
"""
