"""The help shown inside the desk: the drafting rules and a « Premiers pas » page per role.

The pages are Markdown files shipped as package data (``stopcamb_desk/resources/help/``, the
installed app has no ``docs/`` folder); ``rules.md`` is the one source of the drafting rules,
its sections named by the rule ids of :mod:`stopcamb_desk.domain.rules.catalog`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from stopcamb_desk.domain.roles import Role

HELP_FOLDER = "help"
RULES_PAGE = "rules.md"
FIRST_STEPS_PAGES: dict[Role, str] = {
    Role.CHEF_DE_QUART: "premiers-pas-chef-de-quart.md",
    Role.OPP_NATIONAL: "premiers-pas-opp-national.md",
    Role.ADMINISTRATEUR: "premiers-pas-administrateur.md",
}
# « ### 7. Pas de simple soupçon (`soupcon`) — bloquant »: the section of one rule.
_RULE_HEADING = re.compile(r"^### (?P<title>.+?\(`(?P<id>[a-z0-9_]+)`\).*)$", re.MULTILINE)


@cache
def page(name: str) -> str:
    """The Markdown text of a help page shipped in ``resources/help``."""
    folder = resources.files("stopcamb_desk.resources").joinpath(HELP_FOLDER)
    return folder.joinpath(name).read_text(encoding="utf-8")


def rules_markdown() -> str:
    return page(RULES_PAGE)


def first_steps_markdown(role: Role) -> str:
    return page(FIRST_STEPS_PAGES[role])


def rule_sections() -> dict[str, str]:
    """Rule id → the title of its section in the rules page, as the operator reads it
    (« 7. Pas de simple soupçon (soupcon) — bloquant », code marks removed)."""
    return {
        match["id"]: match["title"].replace("`", "")
        for match in _RULE_HEADING.finditer(rules_markdown())
    }
