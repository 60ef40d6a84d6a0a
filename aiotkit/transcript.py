"""Transcripts: the plain-data format in which a probe's results travel back to the grader.

:func:`encode` turns what the student's function returned (tensors, arrays, numbers, strings,
``torch.nn`` modules, optimizers, paths, …) into nested tagged tuples that ``torch.save`` writes
and ``torch.load(weights_only=True)`` reads without running code; :func:`decode` turns them back.
Requests (grader → sandbox) may also carry code: the checker's own functions, classes and objects
(``callables=True``); nothing decoded from a transcript (sandbox → grader) builds more than
``torch.nn`` / ``torch.optim`` classes by name. Also here: the random states and the checker's
temporary files that go with each call, and the walks over a call's arguments that both sides use
(callables, gradient leaves, tensors and modules).

:mod:`aiotkit.probe` (in the sandbox) and :mod:`aiotkit.grading` (the judge) both use this module.
It holds no reference answer and ships in the student release.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import itertools
import marshal
import random
import types
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import torch

__all__ = [
    "RecordedObject",
    "Unencodable",
    "arg_objects",
    "callables_in",
    "decode",
    "encode",
    "grad_leaves",
    "is_callable_arg",
    "restore",
    "rng_state",
    "salted_seeds",
    "set_rng_state",
    "snapshot",
]

MAX_ITEMS = 100_000  # elements in one container
MAX_DEPTH = 20
MAX_STR = 100_000


class Unencodable(TypeError):
    """A value that is not plain data (and not a shippable callable)."""


# --- plain data <-> tagged tuples (what torch.load(weights_only=True) can read) ----------------


def _plain(value: torch.Tensor) -> torch.Tensor:
    """The values under torch.func's wrappers (a tensor seen inside ``torch.func.grad``)."""
    functorch = torch._C._functorch
    if functorch.is_batchedtensor(value):
        raise Unencodable("vmap 안의 텐서")
    while functorch.is_functorch_wrapped_tensor(value):
        value = functorch.get_unwrapped(value)
    return value


def _tensor(value: torch.Tensor) -> torch.Tensor:
    value = _plain(value)
    if value.layout != torch.strided or value.is_quantized:
        raise Unencodable(f"{value.layout} 텐서")
    with torch._C._DisableFuncTorch():  # inside torch.func.grad a copy would be re-wrapped
        return value.detach().cpu().as_subclass(torch.Tensor).clone().contiguous()


_MEMO: list[dict] = []  # encode: id(object) -> (index, object), for shared parameters/modules
_DMEMO: list[list] = []  # decode: index -> object
_ARGREFS: list[dict] = []  # encoding a result: id(object) -> position among the call's arguments
_ARGTARGETS: list[list] = []  # decoding a result: the checker's own argument objects


def encode(value: Any, *, callables: bool = False, depth: int = 0) -> tuple:
    """Turn ``value`` into nested tagged tuples of plain data; :class:`Unencodable` otherwise.

    With ``callables=True`` (requests only: grader → sandbox), functions, classes and a checker's
    objects are shipped as code and data. Parameters and modules that appear twice (shared
    weights) are written once and referred to after that."""
    if depth:
        return _encode(value, callables, depth)
    _MEMO.append({})
    try:
        return _encode(value, callables, depth)
    finally:
        _MEMO.pop()


def _encode(value: Any, callables: bool, depth: int) -> tuple:
    if depth > MAX_DEPTH:
        raise Unencodable("너무 깊게 중첩된 값")
    if _ARGREFS and isinstance(value, (torch.Tensor, torch.nn.Module)):
        position = _ARGREFS[-1].get(id(value))
        if position is not None:  # the very object the checker passed in
            return ("argref", position)
    kind = type(value)
    if value is None:
        return ("none",)
    if kind is bool:
        return ("bool", value)
    if kind is int:
        return ("int", value)
    if kind is float:
        return ("float", value)
    if kind is str:
        if len(value) > MAX_STR:
            raise Unencodable("너무 긴 문자열")
        return ("str", value)
    if isinstance(value, torch.nn.Module):
        return _encode_module(value, callables, depth)
    if isinstance(value, torch.optim.Optimizer):
        return _encode_optimizer(value, callables, depth)
    if isinstance(value, torch.utils.data.DataLoader) and callables:
        return _encode_loader(value, depth)
    if type(value) is torch.utils.data.TensorDataset:
        return ("tensordataset", [encode(t, depth=depth + 1) for t in value.tensors])
    if isinstance(value, torch._C.Generator):
        if value.device.type != "cpu":
            raise Unencodable("CPU가 아닌 생성기(Generator)")
        return ("generator", value.get_state().clone())
    if isinstance(value, PurePath):
        return _encode_path(value)
    if isinstance(value, torch.nn.Parameter):
        return _encode_slot(value, depth)
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value, callables)
    if kind is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise Unencodable(f"dtype {value.dtype} 배열")
        return ("ndarray", torch.from_numpy(np.ascontiguousarray(value).copy()), str(value.dtype))
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return ("npscalar", str(value.dtype), value.item())
    if kind is torch.dtype:
        return ("dtype", str(value).removeprefix("torch."))
    if kind is torch.Size:
        return ("size", [int(v) for v in value])
    if kind in (tuple, list):
        if len(value) > MAX_ITEMS:
            raise Unencodable("너무 긴 리스트")
        items = [encode(v, callables=callables, depth=depth + 1) for v in value]
        return (kind.__name__, items)
    if kind in (dict, OrderedDict):
        if len(value) > MAX_ITEMS:
            raise Unencodable("너무 큰 사전")
        return (
            "dict" if kind is dict else "odict",
            [
                (
                    encode(k, callables=callables, depth=depth + 1),
                    encode(v, callables=callables, depth=depth + 1),
                )
                for k, v in value.items()
            ],
        )
    if isinstance(value, types.GeneratorType) and not callables:  # a result: read it once
        items = list(itertools.islice(value, MAX_ITEMS + 1))
        if len(items) > MAX_ITEMS:
            raise Unencodable("너무 긴 생성기")
        return ("generator_items", [encode(v, depth=depth + 1) for v in items])
    if callables and isinstance(value, types.MethodType):
        return ("method", encode(value.__self__, callables=True, depth=depth + 1), value.__name__)
    if callables and callable(value):
        return _encode_callable(value, depth)
    if (
        (callables or _FOREIGN_OK)
        and hasattr(value, "__dict__")
        and not _shippable(kind.__module__)
    ):
        return _encode_object(value, callables, depth)
    raise Unencodable(f"{kind.__module__}.{kind.__qualname__}")


def _encode_tensor(value: torch.Tensor, callables: bool) -> tuple:
    tracking = bool(value.requires_grad)  # torch.func.grad's wrapper tracks, its value does not
    value = _plain(value)
    if callables and (  # an input: keep its storage, strides and offset (a view)
        not value.is_contiguous()
        or value.storage_offset() != 0
        or value.untyped_storage().nbytes() != value.numel() * value.element_size()
    ):
        if value.layout != torch.strided or value.requires_grad:
            raise Unencodable("뷰(view)이거나 연속적이지 않은 텐서 인자")
        length = value.untyped_storage().nbytes() // value.element_size()
        flat = torch.empty(0, dtype=value.dtype).set_(value.untyped_storage(), 0, (length,))
        return (
            "strided",
            flat.detach().cpu().clone(),
            [int(v) for v in value.shape],
            [int(v) for v in value.stride()],
            int(value.storage_offset()),
        )
    grad = value.grad if value.is_leaf else None
    return (
        "tensor",
        _tensor(value),
        tracking,
        None if grad is None else _tensor(grad),
    )


def _encode_object(value: Any, callables: bool, depth: int) -> tuple:
    """An instance of a checker's class (requests: its class as code) or, after a call, the
    plain attributes of any object (only its state goes back)."""
    seen = _remember(value)
    if seen is not None:  # e.g. two bound methods of one object
        return seen
    attrs = []
    for name, held in vars(value).items():
        try:
            attrs.append((name, encode(held, callables=callables, depth=depth + 1)))
        except Unencodable:
            if callables:
                raise
    kind = encode(type(value), callables=True, depth=depth + 1) if callables else None
    return ("object", kind, attrs)


def _remember(value: Any) -> tuple | None:
    """("shared", k) if ``value`` was already written in this encoding; else remember it."""
    memo = _MEMO[-1] if _MEMO else {}
    if id(value) in memo:
        return ("shared", memo[id(value)][0])
    memo[id(value)] = (len(memo), value)
    return None


def _encode_slot(value: torch.Tensor | None, depth: int) -> tuple | None:
    """A parameter or buffer: once per encoding, then a reference."""
    if value is None:
        return None
    seen = _remember(value)
    if seen is not None:
        return seen
    return ("slot", isinstance(value, torch.nn.Parameter), _encode_tensor(value, False))


def _encode_optimizer(value: torch.optim.Optimizer, callables: bool, depth: int) -> tuple:
    cls = type(value)
    if not cls.__module__.startswith("torch.optim"):
        raise Unencodable(f"torch.optim 밖의 옵티마이저 {cls.__module__}.{cls.__qualname__}")
    groups, index, positions = [], 0, {}
    for group in value.param_groups:
        slots = []
        for param in group["params"]:
            slots.append(_encode_slot(param, depth))
            positions[id(param)] = index
            index += 1
        other = {k: v for k, v in group.items() if k != "params"}
        groups.append((slots, encode(other, callables=callables, depth=depth + 1)))
    state = [
        (positions[id(param)], encode(dict(held), depth=depth + 1))
        for param, held in value.state.items()
        if id(param) in positions
    ]
    defaults = encode(dict(value.defaults), callables=callables, depth=depth + 1)
    return ("optimizer", [cls.__module__, cls.__qualname__], defaults, groups, state)


def _encode_loader(value: Any, depth: int) -> tuple:
    shuffle = isinstance(value.sampler, torch.utils.data.RandomSampler)
    return (
        "dataloader",
        encode(value.dataset, callables=True, depth=depth + 1),
        value.batch_size,
        bool(value.drop_last),
        shuffle,
        encode(value.generator, depth=depth + 1) if shuffle and value.generator else None,
    )


def _shippable(module: str) -> bool:
    """Whether the sandbox (the student release) can import ``module``."""
    top = module.split(".")[0]
    if top == "aiotkit":
        return not module.startswith("aiotkit.exercises.") or module in (
            "aiotkit.exercises.core",
            "aiotkit.exercises.public",
        )
    return top in ("torch", "numpy", "math", "builtins", "collections", "functools", "operator")


def _encode_callable(value: Any, depth: int) -> tuple:
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__qualname__", None) or ""
    if isinstance(value, type) and not _shippable(module):
        return _encode_class(value, depth)
    if not isinstance(value, types.FunctionType) or module.split(".")[0] in ("torch", "numpy"):
        if not _shippable(module):
            raise Unencodable(f"보낼 수 없는 호출 가능 객체 {module}.{name}")
        owner = importlib.import_module(module) if module else None
        for candidate in (name, getattr(value, "__name__", "") or ""):
            target = owner
            for part in candidate.split("."):
                target = getattr(target, part, None)
            if candidate and target is not None and (target is value or target == value):
                return ("ref", module, candidate)
        raise Unencodable(f"보낼 수 없는 호출 가능 객체 {module}.{name}")
    glob = {}
    for global_name in value.__code__.co_names:
        if global_name in value.__globals__:
            held = value.__globals__[global_name]
            if isinstance(held, types.ModuleType):
                glob[global_name] = ("module", held.__name__)
            else:
                try:
                    glob[global_name] = encode(held, callables=True, depth=depth + 1)
                except Unencodable:
                    continue
    closure = [
        ("selfclass",)  # `super()` / `__class__` inside a shipped class's method
        if _CLASS_STACK and cell.cell_contents is _CLASS_STACK[-1]
        else encode(cell.cell_contents, callables=True, depth=depth + 1)
        for cell in (value.__closure__ or ())
    ]
    defaults = encode(tuple(value.__defaults__ or ()), callables=True, depth=depth + 1)
    return ("fn", list(marshal.dumps(value.__code__)), glob, closure, defaults)


_CLASS_STACK: list[type] = []
_FOREIGN_OK: list[bool] = []  # non-empty while arguments are recorded after a call
_SKIP_CLASS_ATTRS = {
    "__dict__",
    "__weakref__",
    "__module__",
    "__qualname__",
    "__doc__",
    "__annotations__",
    "__static_attributes__",
    "__firstlineno__",
    "__orig_bases__",
    "__parameters__",
}


def _encode_class(cls: type, depth: int) -> tuple:
    """A class the sandbox cannot import (defined in a checker): its bases and its methods as
    code (requests only)."""
    if depth > MAX_DEPTH:
        raise Unencodable("너무 깊게 중첩된 클래스")
    bases = [encode(b, callables=True, depth=depth + 1) for b in cls.__bases__]
    body = []
    _CLASS_STACK.append(cls)
    try:
        for name, attr in vars(cls).items():
            if name in _SKIP_CLASS_ATTRS:
                continue
            if isinstance(attr, (staticmethod, classmethod)):
                inner = encode(attr.__func__, callables=True, depth=depth + 1)
                body.append((name, (type(attr).__name__, inner)))
            elif isinstance(attr, types.FunctionType):
                body.append((name, encode(attr, callables=True, depth=depth + 1)))
            else:
                body.append((name, ("plain", encode(attr, callables=True, depth=depth + 1))))
    finally:
        _CLASS_STACK.pop()
    return ("class", cls.__qualname__, bases, body)


_MODULE_SKIP = {"_parameters", "_buffers", "_modules", "_non_persistent_buffers_set"}
_MODULE_SKIP |= {"_flat_weights", "_flat_weight_refs"}  # RNNs: rebuilt from the parameters


def _encode_module(value: torch.nn.Module, callables: bool, depth: int) -> tuple:
    """An ``nn.Module`` as data: its class (a ``torch.nn`` class by name; a checker's class as
    code, requests only), plain attributes, parameters (with grads), buffers, children, and how
    many hooks of each kind it holds."""
    if depth > MAX_DEPTH:
        raise Unencodable("너무 깊게 중첩된 모듈")
    seen = _remember(value)
    if seen is not None:
        return seen
    cls = type(value)
    if callables:
        kind = encode(cls, callables=True, depth=depth + 1)
    elif (
        cls.__module__.startswith("torch.nn.")
        and getattr(importlib.import_module(cls.__module__), cls.__qualname__, None) is cls
    ):
        kind = ("ref", cls.__module__, cls.__qualname__)
    elif _FOREIGN_OK:  # an argument after the call: only its state matters
        kind = ("ref", "torch.nn", "Module")
    else:
        raise Unencodable(f"torch.nn 밖의 모듈 클래스 {cls.__module__}.{cls.__qualname__}")
    attrs = []
    for name, held in vars(value).items():
        if name in _MODULE_SKIP:
            continue
        if "hook" in name and isinstance(held, dict):
            attrs.append((name, ("hooks", len(held))))
        else:
            try:
                attrs.append((name, encode(held, callables=callables, depth=depth + 1)))
            except Unencodable:
                if not _FOREIGN_OK:
                    raise
    params = [(n, _encode_slot(t, depth)) for n, t in value._parameters.items()]
    buffers = [
        (n, _encode_slot(t, depth), n in value._non_persistent_buffers_set)
        for n, t in value._buffers.items()
    ]
    children = [
        (n, None if m is None else _encode_module(m, callables, depth + 1))
        for n, m in value._modules.items()
    ]
    return ("module", kind, attrs, params, buffers, children)


MAX_TMP_BYTES = 64 * 1024**2


def _encode_path(value: PurePath) -> tuple:
    """A path (its files travel with the checker's temporary folder, see :func:`snapshot`)."""
    return ("path", str(value))


def snapshot(base: str | None) -> list:
    """The folders and files under ``base`` (the checker's temporary folder) as plain data."""
    if not base or not Path(base).is_dir():
        return []
    root, items, total = Path(base), [], 0
    for item in sorted(root.rglob("*"))[:2000]:
        if item.is_symlink():
            continue
        name = item.relative_to(root).as_posix()
        if item.is_dir():
            items.append((name, None))
            continue
        data = item.read_bytes()
        total += len(data)
        if total > MAX_TMP_BYTES:
            raise Unencodable("임시 폴더의 파일이 너무 큽니다")
        items.append((name, torch.frombuffer(bytearray(data), dtype=torch.uint8).clone()))
    return items


def restore(base: str | None, items: Any) -> None:
    """Make ``base`` hold exactly ``items`` (from :func:`snapshot`); names are checked (relative,
    no '..'), sizes capped."""
    if not base:
        return
    import shutil

    root = Path(base)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, data in list(items)[:2000]:
        parts = PurePath(str(name)).parts
        if not parts or PurePath(str(name)).is_absolute() or ".." in parts:
            continue
        target = root.joinpath(*parts)
        if data is None:
            target.mkdir(parents=True, exist_ok=True)
            continue
        if type(data) is not torch.Tensor or data.dtype != torch.uint8:
            continue
        total += data.numel()
        if total > MAX_TMP_BYTES:
            break
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.numpy().tobytes())


def _noop_hook(*args: Any, **kwargs: Any) -> None:
    return None


def _decode_module(item: tuple, callables: bool, depth: int) -> torch.nn.Module:
    if len(item) != 6:
        raise ValueError("모듈 기록이 잘못됨")
    kind, attrs, params, buffers, children = item[1:]
    if callables:
        cls = decode(kind, callables=True, depth=depth + 1)
    else:  # a student's transcript: only torch.nn classes, looked up by name
        if not (isinstance(kind, tuple) and len(kind) == 3 and kind[0] == "ref"):
            raise ValueError("모듈 클래스 기록이 잘못됨")
        if not (isinstance(kind[1], str) and (kind[1] + ".").startswith("torch.nn.")):
            raise ValueError("torch.nn 밖의 모듈 클래스")
        cls = getattr(importlib.import_module(kind[1]), str(kind[2]), None)
    if not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
        raise ValueError("모듈 클래스가 아님")
    module = cls.__new__(cls)
    torch.nn.Module.__init__(module)
    if _DMEMO:
        _DMEMO[-1].append(module)
    for name, held in attrs:
        if isinstance(held, tuple) and held[:1] == ("hooks",):
            count = int(held[1]) if type(held[1]) is int else 0
            value: Any = OrderedDict((i, _noop_hook) for i in range(min(count, 1000)))
        else:
            value = decode(held, callables=callables, depth=depth + 1)
        module.__dict__[str(name)] = value
    for name, held in params:
        module._parameters[str(name)] = None if held is None else decode(held, depth=depth + 1)
    for name, held, transient in buffers:
        module._buffers[str(name)] = None if held is None else decode(held, depth=depth + 1)
        if transient is True:
            module._non_persistent_buffers_set.add(str(name))
    for name, held in children:
        module._modules[str(name)] = (
            None if held is None else _decode_child(held, callables, depth + 1)
        )
    if hasattr(module, "_init_flat_weights"):
        module._init_flat_weights()
    return module


def _decode_child(item: Any, callables: bool, depth: int) -> torch.nn.Module:
    child = decode(item, callables=callables, depth=depth)
    if not isinstance(child, torch.nn.Module):
        raise ValueError("하위 모듈 기록이 잘못됨")
    return child


def _decode_class(item: tuple, depth: int) -> type:
    _, name, bases, body = item
    namespace: dict[str, Any] = {"__module__": "aiotkit.exercises.shipped"}
    selfcells: list[types.CellType] = []
    for attr, held in body:
        if held[0] in ("staticmethod", "classmethod"):
            function = _decode_fn(held[1], depth, selfcells)
            namespace[attr] = (
                staticmethod(function) if held[0] == "staticmethod" else classmethod(function)
            )
        elif held[0] == "fn":
            namespace[attr] = _decode_fn(held, depth, selfcells)
        else:
            namespace[attr] = decode(held[1], callables=True, depth=depth + 1)
    base_types = tuple(decode(b, callables=True, depth=depth + 1) for b in bases)
    cls = type(str(name).rsplit(".", 1)[-1], base_types, namespace)
    cls.__qualname__ = str(name)
    for cell in selfcells:
        cell.cell_contents = cls
    return cls


_NP_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_NP_DTYPES |= {"float16", "float32", "float64"}


def decode(item: Any, *, callables: bool = False, depth: int = 0) -> Any:
    """Inverse of :func:`encode`; raises ``ValueError`` on anything malformed."""
    if depth:
        return _decode(item, callables, depth)
    _DMEMO.append([])
    try:
        return _decode(item, callables, depth)
    finally:
        _DMEMO.pop()


def _decode(item: Any, callables: bool, depth: int) -> Any:
    if depth > MAX_DEPTH or not isinstance(item, tuple) or not item or not isinstance(item[0], str):
        raise ValueError("형식이 잘못된 기록")
    tag, rest = item[0], item[1:]
    if tag == "none" and not rest:
        return None
    if tag in ("bool", "int", "float", "str") and len(rest) == 1:
        kind = {"bool": bool, "int": int, "float": float, "str": str}[tag]
        if type(rest[0]) is not kind:
            raise ValueError(f"{tag} 기록에 {type(rest[0]).__name__}")
        return rest[0]
    if tag == "tensor" and len(rest) == 3 and type(rest[0]) is torch.Tensor:
        tensor = rest[0].clone()
        if rest[1] is True and (tensor.is_floating_point() or tensor.is_complex()):
            tensor.requires_grad_(True)
        if type(rest[2]) is torch.Tensor:
            tensor.grad = rest[2].clone()
        return tensor
    if tag == "ndarray" and len(rest) == 2 and type(rest[0]) is torch.Tensor:
        if rest[1] not in _NP_DTYPES:
            raise ValueError("알 수 없는 dtype")
        return rest[0].numpy().astype(rest[1], copy=True)
    if tag == "npscalar" and len(rest) == 2 and rest[0] in _NP_DTYPES:
        if type(rest[1]) not in (bool, int, float):
            raise ValueError("NumPy 스칼라 기록이 잘못됨")
        return np.dtype(rest[0]).type(rest[1])
    if (
        tag == "dtype"
        and len(rest) == 1
        and isinstance(getattr(torch, str(rest[0]), None), torch.dtype)
    ):
        return getattr(torch, rest[0])
    if tag == "size" and len(rest) == 1 and isinstance(rest[0], list):
        return torch.Size([int(v) for v in rest[0] if type(v) is int])
    if tag in ("tuple", "list") and len(rest) == 1 and isinstance(rest[0], list):
        if len(rest[0]) > MAX_ITEMS:
            raise ValueError("너무 긴 리스트")
        items = [decode(v, callables=callables, depth=depth + 1) for v in rest[0]]
        return tuple(items) if tag == "tuple" else items
    if tag in ("dict", "odict") and len(rest) == 1 and isinstance(rest[0], list):
        out = {} if tag == "dict" else OrderedDict()
        for pair in rest[0][:MAX_ITEMS]:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValueError("사전 기록이 잘못됨")
            key = decode(pair[0], callables=callables, depth=depth + 1)
            if isinstance(key, (list, dict, torch.Tensor, np.ndarray)):
                raise ValueError("사전 키가 잘못됨")
            out[key] = decode(pair[1], callables=callables, depth=depth + 1)
        return out
    if callables and tag == "ref" and len(rest) == 2:
        target = importlib.import_module(rest[0])
        for part in rest[1].split("."):
            target = getattr(target, part)
        return target
    if tag == "shared" and len(rest) == 1 and type(rest[0]) is int and _DMEMO:
        if not 0 <= rest[0] < len(_DMEMO[-1]):
            raise ValueError("공유 참조가 잘못됨")
        return _DMEMO[-1][rest[0]]
    if tag == "argref" and len(rest) == 1 and type(rest[0]) is int and _ARGTARGETS:
        if not 0 <= rest[0] < len(_ARGTARGETS[-1]):
            raise ValueError("인자 참조가 잘못됨")
        return _ARGTARGETS[-1][rest[0]]
    if tag == "slot" and len(rest) == 2:
        tensor = decode(rest[1], depth=depth + 1)
        if not isinstance(tensor, torch.Tensor):
            raise ValueError("매개변수 기록이 잘못됨")
        if rest[0] is True:
            grad = tensor.grad
            tensor = torch.nn.Parameter(tensor.detach(), requires_grad=tensor.requires_grad)
            tensor.grad = grad
        if _DMEMO:
            _DMEMO[-1].append(tensor)
        return tensor
    if tag == "optimizer" and len(rest) == 4:
        return _decode_optimizer(rest, callables, depth)
    if tag == "generator_items" and len(rest) == 1 and isinstance(rest[0], list):
        return iter([decode(v, callables=callables, depth=depth + 1) for v in rest[0][:MAX_ITEMS]])
    if tag == "tensordataset" and len(rest) == 1 and isinstance(rest[0], list):
        tensors = [decode(t, depth=depth + 1) for t in rest[0]]
        return torch.utils.data.TensorDataset(*tensors)
    if callables and tag == "dataloader" and len(rest) == 5:
        dataset = decode(rest[0], callables=True, depth=depth + 1)
        generator = None if rest[4] is None else decode(rest[4], depth=depth + 1)
        return torch.utils.data.DataLoader(
            dataset, batch_size=rest[1], drop_last=rest[2], shuffle=rest[3], generator=generator
        )
    if callables and tag == "method" and len(rest) == 2:
        return getattr(decode(rest[0], callables=True, depth=depth + 1), str(rest[1]))
    if tag == "object" and len(rest) == 2 and isinstance(rest[1], list):
        if callables:
            cls = decode(rest[0], callables=True, depth=depth + 1)
            obj = cls.__new__(cls)
            target = obj.__dict__
        else:
            obj = target = RecordedObject()
        if _DMEMO:
            _DMEMO[-1].append(obj)
        for k, v in rest[1]:
            target[str(k)] = decode(v, callables=callables, depth=depth + 1)
        return obj
    if callables and tag == "fn" and len(rest) == 4:
        return _decode_fn(item, depth, None)
    if callables and tag == "class" and len(rest) == 3:
        return _decode_class(item, depth)
    if tag == "module":
        return _decode_module(item, callables, depth)
    if tag == "generator" and len(rest) == 1 and type(rest[0]) is torch.Tensor:
        generator = torch.Generator()
        generator.set_state(rest[0].to(torch.uint8).clone())
        return generator
    if tag == "path" and len(rest) == 1 and isinstance(rest[0], str):
        return Path(rest[0])
    if callables and tag == "strided" and len(rest) == 4 and type(rest[0]) is torch.Tensor:
        return rest[0].clone().as_strided(rest[1], rest[2], rest[3])
    raise ValueError(f"알 수 없는 기록 {tag!r}")


def _decode_fn(item: tuple, depth: int, selfcells: list | None) -> types.FunctionType:
    rest = item[1:]
    code = marshal.loads(bytes(rest[0]))
    glob: dict[str, Any] = {"__builtins__": builtins}
    for name, held in rest[1].items():
        if held[0] == "module":
            glob[name] = importlib.import_module(held[1])
        else:
            glob[name] = decode(held, callables=True, depth=depth + 1)
    cells = []
    for held in rest[2]:
        if held == ("selfclass",) and selfcells is not None:
            cells.append(types.CellType())
            selfcells.append(cells[-1])
        else:
            cells.append(types.CellType(decode(held, callables=True, depth=depth + 1)))
    defaults = decode(rest[3], callables=True, depth=depth + 1)
    return types.FunctionType(code, glob, code.co_name, defaults or None, tuple(cells) or None)


class RecordedObject(dict):
    """The plain attributes of an object after the student's call (a transcript)."""


def _decode_optimizer(rest: tuple, callables: bool, depth: int) -> torch.optim.Optimizer:
    (module_name, qualname), defaults, groups, state = rest
    if not str(module_name).startswith("torch.optim"):
        raise ValueError("torch.optim 밖의 옵티마이저")
    cls = getattr(importlib.import_module(str(module_name)), str(qualname), None)
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
        raise ValueError("옵티마이저 클래스가 아님")
    params, param_groups = [], []
    for slots, other in groups:
        group = [decode(slot, depth=depth + 1) for slot in slots]
        params += group
        param_groups.append(
            {"params": group, **decode(other, callables=callables, depth=depth + 1)}
        )
    optimizer = cls.__new__(cls)
    torch.optim.Optimizer.__init__(optimizer, param_groups, decode(defaults, depth=depth + 1))
    for position, held in state:
        optimizer.state[params[position]] = decode(held, depth=depth + 1)
    return optimizer


def rng_state() -> tuple:
    """The global random states (torch CPU, NumPy, Python) as plain data."""
    return encode([torch.random.get_rng_state(), list(np.random.get_state()), random.getstate()])


def set_rng_state(item: Any) -> None:
    """Set the global random states from :func:`rng_state`'s record."""
    torch_state, numpy_state, python_state = decode(item)
    torch.random.set_rng_state(torch_state)
    np.random.set_state(tuple(numpy_state))
    random.setstate(python_state)


@contextlib.contextmanager
def salted_seeds(salt: int) -> Iterator[None]:
    """While active, ``torch.Generator().manual_seed(s)`` and ``torch.manual_seed(s)`` seed with
    ``s + salt``: the checkers' inputs change with each grading run (salt 0: as written). The
    grader applies it while it records and judges, the probe while the student's function runs,
    so a function that seeds its own generator sees what the checker expects."""
    if not salt:
        yield
        return
    original_generator, original_seed = torch.Generator, torch.manual_seed

    class SaltedGenerator(original_generator):  # type: ignore[misc, valid-type]
        def manual_seed(self, seed: int):  # noqa: D102
            return super().manual_seed(int(seed) + salt)

    torch.Generator = SaltedGenerator  # type: ignore[misc]
    torch.manual_seed = lambda seed: original_seed(int(seed) + salt)  # type: ignore[assignment]
    try:
        yield
    finally:
        torch.Generator = original_generator  # type: ignore[misc]
        torch.manual_seed = original_seed


def is_callable_arg(value: Any) -> bool:
    return callable(value) and not isinstance(
        value, (torch.Tensor, np.ndarray, type, torch.nn.Module)
    )


def callables_in(value: Any) -> list[Any]:
    """The callables inside ``value`` in the order :func:`aiotkit.probe._wrap_callables` numbers them."""
    if is_callable_arg(value):
        return [value]
    if isinstance(value, (list, tuple)):
        return [c for v in value for c in callables_in(v)]
    if isinstance(value, dict):
        return [c for v in value.values() for c in callables_in(v)]
    return []


def grad_leaves(value: Any) -> list[torch.Tensor]:
    """The leaf tensors that require grad inside ``value``, depth first, in order."""
    if isinstance(value, torch.Tensor):
        return [value] if value.is_leaf and value.requires_grad else []
    if isinstance(value, torch.nn.Module):
        return [t for t in value.parameters() if t.requires_grad]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in grad_leaves(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in grad_leaves(v)]
    return []


def arg_objects(value: Any) -> list[Any]:
    """The tensors, modules and parameters inside a call's arguments, depth first, each once:
    what a result may hand back by identity (e.g. ``model.parameters()``)."""
    out: list[Any] = []
    seen: set[int] = set()

    def add(item: Any) -> None:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)

    def walk(item: Any) -> None:
        if isinstance(item, torch.Tensor):
            add(item)
        elif isinstance(item, torch.nn.Module):
            for module in item.modules():
                add(module)
            for tensor in [*item.parameters(), *item.buffers()]:
                add(tensor)
        elif isinstance(item, torch.optim.Optimizer):
            for group in item.param_groups:
                for tensor in group["params"]:
                    add(tensor)
        elif isinstance(item, (list, tuple)):
            for v in item:
                walk(v)
        elif isinstance(item, dict):
            for v in item.values():
                walk(v)

    walk(value)
    return out
