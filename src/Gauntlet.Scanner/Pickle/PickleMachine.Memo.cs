using System.Globalization;

namespace Gauntlet.Scanner.Pickle;

/// <summary>Memo opcodes: PUT, BINPUT, LONG_BINPUT, MEMOIZE, GET, BINGET, LONG_BINGET.</summary>
internal sealed partial class PickleMachine
{
    private PickleOutcome? PutLine()
    {
        var line = Input.ReadLine(MaxLine);
        if (line is null || !long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Fail("malformed PUT");
        }

        return Put(index);
    }

    private PickleOutcome? BinPut()
    {
        var index = Input.ReadByte();
        return index < 0 ? Fail("truncated BINPUT") : Put(index);
    }

    private PickleOutcome? LongBinPut() => TryReadUInt32(out var index) ? Put((long)index) : Fail("truncated LONG_BINPUT");

    private PickleOutcome? GetLine()
    {
        var line = Input.ReadLine(MaxLine);
        if (line is null || !long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Fail("malformed GET");
        }

        return Get(index);
    }

    private PickleOutcome? BinGet()
    {
        var index = Input.ReadByte();
        return index < 0 ? Fail("truncated BINGET") : Get(index);
    }

    private PickleOutcome? LongBinGet() => TryReadUInt32(out var index) ? Get((long)index) : Fail("truncated LONG_BINGET");

    private PickleOutcome? Put(long index)
    {
        if (stack.Count <= MarkBase)
        {
            return Fail("memo PUT with an empty stack");
        }

        if (index > Context.Options.MaxPickleMemo || memo.Count >= Context.Options.MaxPickleMemo)
        {
            return Exhausted($"memo index {index:N0} (a C unpickler sizes its memo table to the largest index)");
        }

        if (memo.TryGetValue(index, out var previous) && !ReferenceEquals(previous, stack[^1]))
        {
            Context.Add("pickle.memo-trick", Severity.Medium, $"memo slot {index} is overwritten (was {previous.Render()}, now {stack[^1].Render()})", owner.Location, opcodeOffset);
        }

        memo[index] = stack[^1];
        return null;
    }

    private PickleOutcome? Get(long index)
    {
        if (memo.TryGetValue(index, out var value))
        {
            return Push(value);
        }

        Context.Add("pickle.memo-trick", Severity.Medium, $"memo slot {index} is read before it is written", owner.Location, opcodeOffset);
        return Push(PickleValue.UnknownValue);
    }
}
