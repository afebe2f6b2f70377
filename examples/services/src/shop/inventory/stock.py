from shop.adapters.db import stock_level
from shop.events import OrderPlaced


def reserve(event: OrderPlaced) -> bool:
    return stock_level(event.sku) > 0
