"""Glue between the composite GitHub Actions and the subcommands.

Every piece of logic an ``actions/*/action.yml`` needs (outputs, summaries,
capped annotations, shards, the base commit of a shallow clone, needed jobs,
the deployed URL) lives here, reached through ``quality-gates ci ...``.
"""
