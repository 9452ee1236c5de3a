"""How users look at studies: the hypered-dash web dashboard."""
