"""A converter plugin that cannot be imported (for the broken-plugin rule)."""

raise RuntimeError("this plugin is broken on purpose")
