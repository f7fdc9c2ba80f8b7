"""The rules of ``docs-check``: stable ids, why each matters, and the fix."""

from __future__ import annotations

from quality_gates.guards.base import Rule, catalogue

TOOL = "docs-check"

RULES = catalogue(
    Rule(
        "missing-index",
        "missing-index",
        "error",
        "the site has no index.html at its root",
        "the site's address shows a 404 page",
        "build the site into the folder checked, or give the folder that holds it",
    ),
    Rule(
        "missing-nojekyll",
        "missing-nojekyll",
        "error",
        "Jekyll drops _-prefixed files: .nojekyll is missing",
        "a branch deploy serves the site without its _-prefixed folders",
        "add an empty .nojekyll at the site's root",
    ),
    Rule(
        "broken-link",
        "broken-link",
        "error",
        "an internal link or asset does not exist in the site",
        "readers follow it to a 404 page",
        "point the link at a page or asset the build writes",
    ),
    Rule(
        "broken-anchor",
        "broken-anchor",
        "error",
        "a #fragment names no id in its target page",
        "the link opens the page at the top instead of the section",
        "link to a heading or id that exists in the target page",
    ),
    Rule(
        "outside-base",
        "outside-base",
        "error",
        "a URL leaves the base path of the project site",
        "a project site is served under /NAME/, so a root-relative URL 404s",
        "write the URL relative to the page, or under the base path",
    ),
    Rule(
        "base-url-mismatch",
        "base-url-mismatch",
        "error",
        "site_url / html_baseurl disagrees with the deployed URL",
        "canonical links, sitemaps and search point at the wrong site",
        "set site_url (mkdocs) or html_baseurl (Sphinx) to the deployed URL",
    ),
)
