CACHE: dict[str, int] = {}
