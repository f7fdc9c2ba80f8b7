"""``audit-gates``: gates that cannot fail, found in workflows, hooks and configs."""
