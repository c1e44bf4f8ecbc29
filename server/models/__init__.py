"""Tortoise models. Each Tortoise app owns its models and its migrations package."""
