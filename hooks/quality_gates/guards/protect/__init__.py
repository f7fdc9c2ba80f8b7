"""``protect``: staged changes to protected paths need an approval and an owner."""
