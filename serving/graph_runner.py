"""Rasa's prediction graphs run node after node in one order, without dask's scheduler.

Why: every message parse and every policy prediction runs a graph of Rasa components through
`DaskGraphRunner.run`, which first walks the schema again to find the nodes the targets need
(recursively, without memory: shared dependencies are walked once per path), then hands them to
dask's local scheduler, whose bookkeeping per node cost about 1 ms per parse of the 2 ms a
parse takes (cProfile of the bench's messages), and as much again per prediction. The graphs
are small, fixed once the model is loaded and run synchronously anyway (`dask.get` is dask's
synchronous scheduler): the order of their nodes is computed once per set of targets and the
nodes are called in it.

Same inputs, same outputs: each node gets the outputs of the nodes it needs as `(name, value)`
pairs, or the bare name when nothing by that name was computed, as dask passes them; the
result maps each target to its value; an input named like a node is refused as Rasa refuses it.
Training keeps Rasa's runner (this module is installed in the Rasa server process only).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner


def execution_order(schema: GraphSchema, targets: tuple[str, ...]) -> list[tuple[str, tuple]]:
    """The nodes the targets need, each after the nodes it needs: (name, names it needs)."""
    order: list[tuple[str, tuple]] = []
    done: set[str] = set()

    def visit(name: str, path: frozenset[str]) -> None:
        if name in done or name not in schema.nodes:
            return  # an input placeholder, or visited already
        if name in path:
            raise GraphRunError(f"The graph has a cycle through '{name}'.")
        needs = tuple(schema.nodes[name].needs.values())
        for needed in needs:
            visit(needed, path | {name})
        done.add(name)
        order.append((name, needs))

    for target in targets:
        visit(target, frozenset())
    return order


def run_in_order(
    self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """DaskGraphRunner.run: the same results, computed node after node."""
    run_targets = tuple(targets) if targets else tuple(self._graph_schema.target_names)
    order = _order_of(self, run_targets)
    results: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in self._graph_schema.nodes:
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the "
                f"input names passed to the `run` method are the same as node names in the "
                f"graph schema.")
        results[name] = (name, value)
    try:
        for name, needs in order:
            results[name] = self._instantiated_nodes[name](
                *[results.get(needed, needed) for needed in needs])
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def _order_of(runner: DaskGraphRunner, targets: tuple[str, ...]) -> list[tuple[str, tuple]]:
    orders = runner.__dict__.setdefault("_ocbot_orders", {})
    if targets not in orders:
        orders[targets] = execution_order(runner._graph_schema, targets)
    return orders[targets]


def rasa_run() -> Any:
    """Rasa's own DaskGraphRunner.run, installed or not."""
    return getattr(DaskGraphRunner, "ocbot_rasa_run", DaskGraphRunner.run)


def install() -> None:
    """In the Rasa server process (serving.performance.install)."""
    if DaskGraphRunner.run is not run_in_order:
        DaskGraphRunner.ocbot_rasa_run = DaskGraphRunner.run  # type: ignore[attr-defined]
        DaskGraphRunner.run = run_in_order  # type: ignore[method-assign]
