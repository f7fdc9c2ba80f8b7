"""Shell scripts: parsed, their gates followed, and what hides a failure."""
