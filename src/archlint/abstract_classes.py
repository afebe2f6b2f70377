"""What makes a class abstract, for the abstractness metric: shared by the three scanners so
that they cannot drift apart (the differential tests compare their counts).

A class is abstract when the last name of one of its bases (subscript dropped:
``Protocol[T]``) is in ``ABSTRACT_BASES``, its metaclass's last name is ``ABSTRACT_METACLASS``,
or a method of its own body has a decorator whose last name is in ``ABSTRACT_DECORATORS``.
"""

from __future__ import annotations

ABSTRACT_BASES = frozenset({"ABC", "Protocol"})
ABSTRACT_METACLASS = "ABCMeta"
ABSTRACT_DECORATORS = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"}
)
