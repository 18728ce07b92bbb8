"""Modular exponentiation for the 3072-bit SRP group, through OpenSSL when it is available.

CPython's ``pow()`` needs about 15 ms for ``g^a mod N`` with Cognito's 1024-bit ``a`` and about
40 ms for a whole client proof, which is what pycognito spends. The ``srp`` package (a pinned
dependency) already binds OpenSSL's ``BN_mod_exp`` through ``ctypes`` in ``srp._ctsrp``, which
does the same exponentiation in about 1.3 ms, so the harness borrows that binding. When
``srp`` could not load OpenSSL (no ``libssl.so`` on the machine) it falls back to ``pow()``:
slower, same results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

try:
    # srp/__init__.py imports _ctsrp the same way and falls back to pure Python on these errors.
    from srp import _ctsrp
except (ImportError, OSError):  # pragma: no cover - depends on the machine's OpenSSL
    _ctsrp = None

_context = threading.local()


def _openssl_modexp(base: int, exponent: int, modulus: int) -> int:
    """``base ** exponent % modulus`` with OpenSSL's BN_mod_exp (all arguments non-negative)."""
    ctx = getattr(_context, "bn_ctx", None)
    if ctx is None:
        # A BN_CTX is scratch space and must not be shared between threads (OpenSSL BN_CTX_new(3)).
        ctx = _context.bn_ctx = _ctsrp.BN_CTX_new()
    numbers = []
    try:
        for value in (base, exponent, modulus):
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            number = _ctsrp.BN_new()
            numbers.append(number)
            _ctsrp.BN_bin2bn(raw, len(raw), number)
        result = _ctsrp.BN_new()
        numbers.append(result)
        if _ctsrp.BN_mod_exp(result, numbers[0], numbers[1], numbers[2], ctx) != 1:
            raise ArithmeticError("OpenSSL BN_mod_exp failed")
        return int.from_bytes(_ctsrp.bn_to_bytes(result), "big")
    finally:
        for number in numbers:
            _ctsrp.BN_free(number)


def _python_modexp(base: int, exponent: int, modulus: int) -> int:
    return pow(base, exponent, modulus)


def _available_backends() -> dict[str, Callable[[int, int, int], int]]:
    backends: dict[str, Callable[[int, int, int], int]] = {}
    if _ctsrp is not None:
        try:
            # A known answer guards against a libssl whose ABI does not match srp's ctypes layout.
            if _openssl_modexp(3, 2**70 + 1, 2**89 - 1) == pow(3, 2**70 + 1, 2**89 - 1):
                backends["openssl"] = _openssl_modexp
        except (AttributeError, OSError, ArithmeticError):  # pragma: no cover - machine dependent
            pass
    backends["python"] = _python_modexp
    return backends


#: The usable implementations, fastest first: "openssl" (srp._ctsrp BN_mod_exp) when srp could
#: load libssl, and "python" (pow()) always.
BACKENDS: dict[str, Callable[[int, int, int], int]] = _available_backends()
#: Which implementation ``modexp`` uses; the benchmark prints it next to its figures.
BACKEND: str = next(iter(BACKENDS))
_modexp = BACKENDS[BACKEND]


@contextmanager
def using_backend(name: str) -> Iterator[None]:
    """Use another backend inside a ``with`` block (benchmarks and tests compare them).

    Raises:
        KeyError: If ``name`` is not in :data:`BACKENDS` on this machine.
    """
    global BACKEND, _modexp
    previous = BACKEND, _modexp
    BACKEND, _modexp = name, BACKENDS[name]
    try:
        yield
    finally:
        BACKEND, _modexp = previous


def modexp(base: int, exponent: int, modulus: int) -> int:
    """Return ``base ** exponent mod modulus``.

    Args:
        base: Any integer; it is reduced modulo ``modulus`` first.
        exponent: A non-negative integer.
        modulus: A positive integer.

    Returns:
        The residue, in ``[0, modulus)``.

    Raises:
        ValueError: If ``exponent`` is negative or ``modulus`` is not positive.
    """
    if exponent < 0 or modulus <= 0:
        raise ValueError("modexp needs a non-negative exponent and a positive modulus")
    return _modexp(base % modulus, exponent, modulus)
