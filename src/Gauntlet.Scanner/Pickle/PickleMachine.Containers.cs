namespace Gauntlet.Scanner.Pickle;

/// <summary>Containers: building tuples, lists, dicts and sets, and adding to them.</summary>
internal sealed partial class PickleMachine
{
    private PickleOutcome? FromMark(PickleValueKind kind) =>
        TryPopMark(out var items) ? Push(PickleValue.Container(kind, items)) : Fail("container opcode without a MARK");

    private PickleOutcome? DictFromMark()
    {
        if (!TryPopMark(out var items))
        {
            return Fail("DICT without a MARK");
        }

        // An odd count leaves the last key without a value; it is dropped.
        return Push(PickleValue.Container(PickleValueKind.Dict, items.Count % 2 == 0 ? items : items.Take(items.Count - 1)));
    }

    private PickleOutcome? TupleOf(int n)
    {
        if (stack.Count - MarkBase < n)
        {
            return Fail($"TUPLE{n} with too few values");
        }

        var items = stack.GetRange(stack.Count - n, n);
        stack.RemoveRange(stack.Count - n, n);
        return Push(PickleValue.Container(PickleValueKind.Tuple, items));
    }

    private PickleOutcome? Append()
    {
        if (!TryPop(out var item) || stack.Count <= MarkBase)
        {
            return Fail("APPEND without a list");
        }

        AddTo(stack[^1], item);
        return null;
    }

    private PickleOutcome? Appends()
    {
        if (!TryPopMark(out var items) || stack.Count <= MarkBase)
        {
            return Fail("APPENDS/ADDITEMS without a MARK and a container");
        }

        foreach (var item in items)
        {
            AddTo(stack[^1], item);
        }

        return null;
    }

    private PickleOutcome? SetItem()
    {
        if (!TryPop(out var value) || !TryPop(out var key) || stack.Count <= MarkBase)
        {
            return Fail("SETITEM without a dict");
        }

        AddTo(stack[^1], key);
        AddTo(stack[^1], value);
        return null;
    }

    private PickleOutcome? SetItems()
    {
        if (!TryPopMark(out var items) || stack.Count <= MarkBase)
        {
            return Fail("SETITEMS without a MARK and a dict");
        }

        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            AddTo(stack[^1], items[i]);
            AddTo(stack[^1], items[i + 1]);
        }

        return null;
    }

    // Adding to anything but a list, dict or set (an object, an unknown value) is tolerated and
    // ignored: the analysis follows callables, not contents.
    private static void AddTo(PickleValue container, PickleValue item)
    {
        if (container.Kind is PickleValueKind.List or PickleValueKind.Dict or PickleValueKind.Set)
        {
            container.Add(item);
        }
    }
}
