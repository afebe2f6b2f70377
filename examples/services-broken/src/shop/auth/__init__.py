from shop.auth.tokens import verify as verify
