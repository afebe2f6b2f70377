"""Ownership of modules by components, and the full names of external imports."""

from __future__ import annotations

import pytest

from archlint.contracts import Component, ComponentsContract
from archlint.external_imports import external_imports
from archlint.model import ArchlintError, FileScan, Import, ImportKind, RawImport
from archlint.ownership import own
from archlint.project import Layout, SourceFile

MODULES = [
    "shop",
    "shop.billing",
    "shop.billing.api",
    "shop.billing.api.v2",
    "shop.billing.models",
    "shop.orders",
    "shop.orders.views",
    "shop.plugins.a",
    "shop.plugins.b",
]


def contract(*components: Component) -> ComponentsContract:
    return ComponentsContract("components", components=components)


def test_interface_is_the_packages_and_public_modules_with_descendants() -> None:
    ownership = own(
        contract(
            Component("billing", ("shop.billing",), public=("shop.billing.api",)),
            Component("plugins", ("shop.plugins.*",)),
        ),
        MODULES,
        "pyproject.toml",
    )
    assert ownership.owner_of("shop") is None
    assert ownership.owner_of("shop.billing.api.v2") == "billing"
    assert sorted(ownership.interface["billing"]) == [
        "shop.billing",
        "shop.billing.api",
        "shop.billing.api.v2",
    ]
    assert not ownership.is_public("shop.billing.models")
    assert sorted(ownership.members["plugins"]) == ["shop.plugins.a", "shop.plugins.b"]
    assert ownership.is_public("shop.plugins.a")  # each matched module is a package of its own
    assert ownership.public_names("billing") == ["shop.billing", "shop.billing.api"]


@pytest.mark.parametrize(
    ("components", "message"),
    [
        (
            (Component("a", ("shop.billing",), line=3), Component("b", ("shop.**",), line=7)),
            "pyproject.toml:7: module 'shop.billing' is owned by two components, 'a' and 'b'; a module "
            "belongs to one component (narrow `modules`)",
        ),
        (
            (
                Component(
                    "a",
                    ("shop.orders",),
                    public=("shop.orders.views", "shop.orders.view"),
                    item_lines={("public", 1): 9},
                ),
            ),
            "pyproject.toml:9: `public` entry 'shop.orders.view' of component 'a' matches no "
            "module; did you mean 'shop.orders.views'?",
        ),
    ],
)
def test_errors(components: tuple[Component, ...], message: str) -> None:
    with pytest.raises(ArchlintError) as info:
        own(contract(*components), MODULES, "pyproject.toml")
    assert str(info.value) == message


def test_external_imports_keep_full_names() -> None:
    files = (
        SourceFile("shop.a", "src/shop/a.py", False),
        SourceFile("shop.b", "src/shop/b.py", False),
    )
    layout = Layout(files, (), ("shop",))
    top = ImportKind.TOP_LEVEL
    scans = {
        "shop.a": FileScan(
            (
                RawImport(1, 1, "google.cloud", "storage", 0, top),
                RawImport(2, 1, "google.cloud.storage", None, 0, top),
                RawImport(3, 1, "yaml", "*", 0, top),
                RawImport(4, 1, "shop.b", None, 0, top),
                RawImport(5, 1, "", "b", 1, top),
            )
        ),
        "shop.b": FileScan(
            error=None, imports=(RawImport(1, 5, "json", None, 0, ImportKind.FUNCTION),)
        ),
    }
    assert external_imports(layout, scans) == (
        Import("shop.a", "google.cloud.storage", "src/shop/a.py", 1, 1, top),
        Import("shop.a", "google.cloud.storage", "src/shop/a.py", 2, 1, top),
        Import("shop.a", "yaml", "src/shop/a.py", 3, 1, top),
        Import("shop.b", "json", "src/shop/b.py", 1, 5, ImportKind.FUNCTION),
    )
