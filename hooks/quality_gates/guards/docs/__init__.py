"""``docs-check``: a built docs site's links, anchors and base path."""
