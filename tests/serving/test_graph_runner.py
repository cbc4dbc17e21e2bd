"""serving.graph_runner: Rasa's graphs computed node after node give what dask's run gives."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

from serving.graph_runner import rasa_run, run_in_order


class Join(GraphComponent):
    """A node that records what it received: its own tag, then each input in order."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.tag = config["tag"]

    @classmethod
    def create(cls, config: dict[str, Any], *args: Any, **kwargs: Any) -> Join:
        return cls(config)

    def join(self, **inputs: Any) -> list[Any]:
        return [self.tag, *(inputs[name] for name in sorted(inputs))]


def node(tag: str, needs: dict[str, str], target: bool = False) -> SchemaNode:
    return SchemaNode(needs=needs, uses=Join, constructor_name="create", fn="join",
                      config={"tag": tag}, is_target=target)


# A diamond (two paths to "base"), a second target, and a node no target needs.
SCHEMA = GraphSchema({
    "base": node("base", {"text": "message"}),
    "left": node("left", {"a": "base"}),
    "right": node("right", {"a": "base", "b": "message"}),
    "top": node("top", {"a": "left", "b": "right"}, target=True),
    "side": node("side", {"a": "base"}, target=True),
    "unused": node("unused", {"a": "message"}),
})


@pytest.fixture
def runner(tmp_path) -> DaskGraphRunner:
    return DaskGraphRunner(SCHEMA, LocalModelStorage(tmp_path),
                           ExecutionContext(SCHEMA, "test"))


@pytest.mark.parametrize("targets", [None, ["top"], ["side"], ["side", "top"], ["left"]])
def test_results_are_dasks(runner, targets):
    """Every choice of targets gives the same values as Rasa's dask run."""
    inputs = {"message": "bonjour"}
    assert run_in_order(runner, inputs, targets) == rasa_run()(runner, inputs, targets)


@pytest.mark.parametrize("run", [run_in_order, rasa_run()])
def test_a_missing_input_is_named(runner, run):
    """Without its input, the node that needs it says which one is missing, as in Rasa."""
    with pytest.raises(GraphRunError, match="Expected input 'message'"):
        run(runner, {}, ["base"])


def test_an_input_named_like_a_node_is_refused(runner):
    """An input whose value names a node is an error, as in Rasa."""
    with pytest.raises(GraphRunError, match="clashes"):
        run_in_order(runner, {"message": "left"}, ["top"])
