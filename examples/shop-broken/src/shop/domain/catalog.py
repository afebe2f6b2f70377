from shop.domain import orders

PRICES = {"book": 12}
AUDIT = orders
