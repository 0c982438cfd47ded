"""The random draw of experts: reproducible from the recorded seed and pool."""

from __future__ import annotations

import random
from collections.abc import Sequence


def draw(pool: Sequence[int], count: int, seed: str) -> list[int]:
    """`count` experts from `pool` (ids), the same for the same seed and pool in any order.

    The pool is sorted first, so only its content and the seed decide the result; the office
    records both, and anyone can repeat the draw."""
    ordered = sorted(set(pool))
    if count > len(ordered):
        raise ValueError(f"专家库中可抽取的专家不足 {count} 人（仅 {len(ordered)} 人）")
    return sorted(random.Random(seed).sample(ordered, count))


def balanced(loads: dict[int, int], count: int) -> list[int]:
    """`count` experts with the fewest assignments so far (ties by id), so that the work is
    spread evenly over the panel."""
    if count > len(loads):
        raise ValueError(f"专家库中可分配的专家不足 {count} 人（仅 {len(loads)} 人）")
    return sorted(sorted(loads, key=lambda expert: (loads[expert], expert))[:count])
