def old_discount(amount: int) -> int:
    return amount // 10
