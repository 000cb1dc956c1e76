namespace Gauntlet.Scanner.Pickle;

/// <summary>Stack and mark opcodes: MARK, POP, POP_MARK, DUP.</summary>
internal sealed partial class PickleMachine
{
    private PickleOutcome? PushMark()
    {
        marks.Add(stack.Count);
        return null;
    }

    private PickleOutcome? Pop()
    {
        if (stack.Count > MarkBase)
        {
            stack.RemoveAt(stack.Count - 1);
        }
        else if (marks.Count > 0 && stack.Count == marks[^1])
        {
            marks.RemoveAt(marks.Count - 1); // POP of a bare mark, as CPython allows.
        }
        else
        {
            return Fail("POP with an empty stack");
        }

        return null;
    }

    private PickleOutcome? PopMark() => TryPopMark(out _) ? null : Fail("POP_MARK without a MARK");

    private PickleOutcome? Dup() => stack.Count <= MarkBase ? Fail("DUP with an empty stack") : Push(stack[^1]);
}
