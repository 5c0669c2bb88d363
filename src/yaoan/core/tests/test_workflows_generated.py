"""Generated from every installed workflow's table (``all_workflows()``): the pairs not in
the table are refused, every state is reachable, terminal states have no exits, and every
deadline rule a transition names is in the DeadlineRule table (as the migrations load it)."""

import pytest

from yaoan.core.models import DeadlineRule
from yaoan.core.transitions import IllegalTransitionError, require_transition
from yaoan.core.workflow import Workflow, all_workflows

WORKFLOWS = all_workflows()


def _absent_pairs(workflow: Workflow) -> list[tuple[str, str]]:
    return [
        (state, action)
        for state in workflow.states.values
        for action in workflow.actions()
        if workflow.transition(state, action) is None
    ]


CASES = [
    pytest.param(w, state, action, id=f"{w.name}:{state}:{action}")
    for w in WORKFLOWS
    for state, action in _absent_pairs(w)
]


@pytest.mark.parametrize(("workflow", "state", "action"), CASES)
def test_pair_not_in_the_table_is_refused(workflow, state, action):
    with pytest.raises(IllegalTransitionError) as info:
        require_transition(workflow, state, action)
    assert info.value.code == "illegal_transition"
    assert (info.value.state, info.value.action) == (state, action)
    assert workflow.state_label(state) in info.value.message


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_every_state_is_reachable_from_the_initial_one(workflow):
    assert workflow.reachable_states() == set(workflow.states.values)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_terminal_states_have_no_exits(workflow):
    for state in workflow.terminal_states():
        assert workflow.actions_from(state) == []
        for action in workflow.actions():
            with pytest.raises(IllegalTransitionError):
                require_transition(workflow, state, action)


@pytest.mark.django_db
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_table_rows_are_taken_and_name_known_rules(workflow):
    rule_codes = set(DeadlineRule.objects.values_list("code", flat=True))
    for t in workflow.transitions:
        assert require_transition(workflow, t.source, t.action) is t
        assert callable(t.permission)
        assert str(t.label)
        named = {*t.opens, *t.meets, *t.cancels, *t.suspends, *t.resumes} - {"*"}
        unknown = named - rule_codes
        assert not unknown, f"{workflow.name}.{t.action}: unknown deadline rules {unknown}"
        if t.approval:
            assert workflow.submitter_field, (
                f"{workflow.name}.{t.action}: approval without submitter"
            )


def test_workflow_names_are_unique():
    names = [w.name for w in WORKFLOWS]
    assert len(names) == len(set(names))
