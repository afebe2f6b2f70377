import requests


class Gateway:
    def charge(self, amount: int) -> bool:
        return requests.post("https://pay.example", json={"amount": amount}).ok
