from sqlalchemy import create_engine, text

from shop.settings import DATABASE_URL

engine = create_engine(DATABASE_URL)


def stock_level(sku: str) -> int:
    with engine.connect() as connection:
        row = connection.execute(text("select level from stock where sku = :sku"), {"sku": sku})
        return int(row.scalar_one())
