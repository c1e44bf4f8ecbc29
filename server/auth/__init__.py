"""Authentication and the one access mechanism every route goes through."""
