"""A small layered web shop: api -> services -> domain, adapters."""
