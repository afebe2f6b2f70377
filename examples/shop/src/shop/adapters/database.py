import sqlite3

_DB = sqlite3.connect(":memory:")


def save(key: str, value: int) -> None:
    _DB.execute("create table if not exists kv (k text, v int)")
    _DB.execute("insert into kv values (?, ?)", (key, value))
