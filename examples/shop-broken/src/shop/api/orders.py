from shop.services.checkout import checkout


def post_order(sku: str) -> str:
    return checkout(sku)


def render(total: int) -> str:
    return f"{total} EUR"
