import os

DATABASE_URL = os.environ.get("SHOP_DATABASE_URL", "sqlite://")
SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "")
