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
    // ignored: the analysis follows callables, not contents. A container that comes to hold
    // itself, or expands past the limit, is reported once per pickle.
    private void AddTo(PickleValue container, PickleValue item)
    {
        if (container.Kind is not (PickleValueKind.List or PickleValueKind.Dict or PickleValueKind.Set))
        {
            return;
        }

        if (!reportedSelfReference && (ReferenceEquals(item, container) || item.Items?.Any(i => ReferenceEquals(i, container)) == true))
        {
            reportedSelfReference = true;
            Context.Add("pickle.anomaly", Severity.Medium, $"a {container.Kind.ToString().ToLowerInvariant()} contains itself (a recursive structure built through the memo); readers that walk it naively recurse without end", owner.Location, opcodeOffset);
        }

        container.Add(item);
        if (!reportedExpansion && container.Expanded > MaxExpandedValues)
        {
            reportedExpansion = true;
            Context.Add("pickle.resource-exhaustion", Severity.High, $"shared references (memo GET, DUP, APPEND of the same value) make a {container.Kind.ToString().ToLowerInvariant()} that expands to {(container.Expanded == long.MaxValue ? "more than 9.2e18" : container.Expanded.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} values when copied or printed, above {MaxExpandedValues:N0} (a 'billion laughs' pickle)", owner.Location, opcodeOffset);
        }
    }
}
