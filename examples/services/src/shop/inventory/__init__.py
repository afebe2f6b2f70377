from shop.inventory.stock import reserve as reserve
