"""The integration graph: systems as nodes, flows as edges, and queries over them."""
