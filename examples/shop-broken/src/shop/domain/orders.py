import requests  # the domain must not talk HTTP

from shop.domain.catalog import PRICES


def total_for(sku: str) -> int:
    requests.get("https://audit.example/" + sku)
    return PRICES[sku]
