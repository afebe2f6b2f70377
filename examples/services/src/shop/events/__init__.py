"""Events that components publish and subscribe to: the only thing they all share."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OrderPlaced:
    order_id: int
    sku: str
    amount: int


@dataclass(frozen=True)
class PaymentCaptured:
    order_id: int
    amount: int
