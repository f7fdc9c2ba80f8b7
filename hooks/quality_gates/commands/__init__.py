"""One module per subcommand; ``cli`` discovers them."""
