from dataclasses import dataclass


@dataclass
class Invoice:
    order_id: int
    amount: int
